"""The device side of the cloud: registration, provisioning, deregistration, encrypted registration.

A device (its Wi-Fi module) registers with its product key, MAC and passcode and gets a
did; it then asks where its M2M server is (provision); a reset device registers again with
a new passcode, gets a new did, and deregisters the old one with the old passcode (the flow
of Gizwits' GAgent firmware). A registered device joins the cloud through
``cloud.register_device``: it is online and reports its first full status, so it can be
bound with ``POST /app/bind_mac`` at once.

Encrypted registration (seed 002): the registration form is AES-128-ECB encrypted with the
product secret (32 hex digits, i.e. 16 key bytes) and PKCS#7 padding, and so is the reply.
The did it gives a MAC never changes; it replaces a did the MAC had from a plain
registration; afterwards that device may no longer use the plain registration, provision
or deregistration calls (9048).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...devices import Device
from ...devices.catalog import Product
from ...errors import ApiError
from ..automation.wiring import forget_device

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    from ..context import GizwitsContext

#: Device metadata flag set by an encrypted registration.
ENCRYPTED = "encrypted_registration"
DEVICE_TYPES = ("normal", "center_control")


class CipherError(ValueError):
    """Data that does not decrypt with the product secret."""


def _cipher(secret: str) -> Cipher[modes.ECB]:
    # Imported on first use: the emulator starts (and most tests run) without AES.
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    return Cipher(algorithms.AES(bytes.fromhex(secret)), modes.ECB())


def _pkcs7() -> Any:
    from cryptography.hazmat.primitives import padding

    return padding.PKCS7(128)


def encrypt(secret: str, plaintext: bytes) -> bytes:
    padder = _pkcs7().padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = _cipher(secret).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def decrypt(secret: str, ciphertext: bytes) -> bytes:
    if not ciphertext or len(ciphertext) % 16:
        raise CipherError("the ciphertext is not a whole number of AES blocks")
    decryptor = _cipher(secret).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = _pkcs7().unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise CipherError("the plaintext has no valid PKCS#7 padding (wrong product secret?)") from None


def _check_plain(device: Device) -> None:
    if device.meta.get(ENCRYPTED):
        raise ApiError(9048, f"device {device.did!r} registered with encryption")


def register(cloud: GizwitsContext, product: Product, mac: str, passcode: str, device_type: str) -> Device:
    """A plain registration: the same did again for the same MAC and passcode, a new did otherwise."""
    existing = cloud.devices.by_mac(product.product_key, mac)
    if existing is not None:
        _check_plain(existing)
        if existing.passcode == passcode:
            return existing
        cloud.devices.release_mac(product.product_key, mac)
    return cloud.register_device(product, mac=mac, passcode=passcode, meta={"type": device_type})


def register_encrypted(cloud: GizwitsContext, product: Product, mac: str, passcode: str, device_type: str) -> Device:
    """An encrypted registration: the MAC's did for good; a did from a plain registration is deregistered."""
    existing = cloud.devices.by_mac(product.product_key, mac)
    if existing is not None and existing.meta.get(ENCRYPTED):
        return existing
    if existing is not None:
        forget_device(cloud, existing.did)
    return cloud.register_device(product, mac=mac, passcode=passcode, meta={"type": device_type, ENCRYPTED: True})


def provisioned(cloud: GizwitsContext, did: str) -> Device:
    """The device asking for its M2M server: 9014 if unknown, 9048 if registered with encryption."""
    device = cloud.devices.require(did)
    _check_plain(device)
    return device


def deregister(cloud: GizwitsContext, did: str, passcode: str) -> None:
    """Deregister ``did``: 9016 when did and passcode do not match, 9048 after encrypted registration."""
    device = cloud.devices.get(did)
    if device is None or device.passcode != passcode:
        raise ApiError(9016)
    _check_plain(device)
    forget_device(cloud, did)
