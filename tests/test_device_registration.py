"""The device side: register, provision, deregister, and the AES-encrypted registration.

The test encrypts with ``cryptography`` directly (AES-128-ECB, PKCS#7, key = the product
secret read as hex), as a device's firmware would, independently of the emulator's code.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from clocked import PILOTE2_PK, T0, cloud_at
from conftest import APP_HEADERS, assert_error
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from starlette.testclient import TestClient

from emulator.gizwits.cloud.cloud import Cloud

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MAC = "5ccf7f0f52a1"


@pytest.fixture
def cloud() -> Cloud:
    return cloud_at(T0)


@pytest.fixture
def secret(cloud: Cloud) -> str:
    return cloud.product(PILOTE2_PK).secret


def aes(secret: str, data: bytes, *, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.AES(bytes.fromhex(secret)), modes.ECB())
    if encrypt:
        padder = padding.PKCS7(128).padder()
        encryptor = cipher.encryptor()
        return encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
    decryptor = cipher.decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(decryptor.update(data) + decryptor.finalize()) + unpadder.finalize()


def register(client: TestClient, **form: str) -> Any:
    fields = {"product_key": PILOTE2_PK, "mac": MAC, "passcode": "ABCDEFGHIJ", **form}
    return client.post("/dev/devices", headers=FORM, data=fields)


def did_of(response: Any) -> str:
    assert response.status_code == 201, response.text
    assert response.text.startswith("did=")
    return response.text[len("did="):]


def bind_mac(client: TestClient, headers: dict[str, str], secret: str, mac: str = MAC) -> Any:
    stamp = str(T0)
    signed = {**headers, "X-Gizwits-Timestamp": stamp,
              "X-Gizwits-Signature": hashlib.md5((secret + stamp).encode()).hexdigest()}
    return client.post("/app/bind_mac", headers=signed, json={"product_key": PILOTE2_PK, "mac": mac})


def test_a_registered_device_is_online_reports_and_can_be_bound(client: TestClient, cloud: Cloud, secret: str,
                                                                demo: dict[str, str]) -> None:
    response = register(client)
    did = did_of(response)
    assert response.headers["content-type"].startswith("text/plain")
    device = cloud.devices.require(did)
    assert (device.product.name, device.mac, device.passcode, device.online) == ("Pilote2", MAC, "ABCDEFGHIJ", True)
    first = cloud.history.of(did)[0]
    assert (first.at, first.source, first.attrs["mode"]) == (T0, "device", "cft")
    bound = bind_mac(client, demo, secret)
    assert bound.status_code == 201
    assert bound.json()["did"] == did
    assert client.get(f"/app/devdata/{did}/latest", headers=APP_HEADERS).json()["attr"]["mode"] == "cft"


def test_registering_again_with_the_same_passcode_gives_the_same_did(client: TestClient) -> None:
    assert did_of(register(client)) == did_of(register(client, mac="5C:CF:7F:0F:52:A1"))


def test_a_reset_device_gets_a_new_did_and_deregisters_the_old_one(client: TestClient, cloud: Cloud, secret: str,
                                                                   demo: dict[str, str]) -> None:
    old = did_of(register(client))
    bind_mac(client, demo, secret)
    new = did_of(register(client, passcode="KLMNOPQRST"))
    assert new != old
    assert client.get(f"/dev/devices/{old}").status_code == 200  # still known until deregistered
    response = client.request("DELETE", "/dev/devices", headers=FORM, content=f"did={old}&passcode=ABCDEFGHIJ")
    assert (response.status_code, response.text) == (200, "")
    assert_error(client.get(f"/dev/devices/{old}"), 9014, 404)
    assert old not in [d["did"] for d in client.get("/app/bindings", headers=demo).json()["devices"]]
    assert cloud.history.of(old) == []
    assert bind_mac(client, demo, secret).json()["did"] == new


def test_provision_tells_the_m2m_server(client: TestClient) -> None:
    did = did_of(register(client))
    response = client.get(f"/dev/devices/{did}")
    assert response.status_code == 200
    assert response.text == f"host=eusandbox.gizwits.com&port=1883&server_ts={T0}&port_s=8883"


@pytest.mark.parametrize("form, code", [
    ({"product_key": ""}, 9015),
    ({"product_key": "0" * 32}, 9002),
    ({"mac": ""}, 9015),
    ({"mac": "12345"}, 9015),
    ({"mac": "zzzzzzzzzzzz"}, 9015),
    ({"passcode": ""}, 9015),
    ({"type": "gateway"}, 9015),
])
def test_bad_registrations(client: TestClient, cloud: Cloud, form: dict[str, str], code: int) -> None:
    count = len(cloud.devices)
    assert_error(register(client, **form), code, 400)
    assert len(cloud.devices) == count


def test_a_body_that_is_not_a_form_is_9015(client: TestClient) -> None:
    assert_error(client.post("/dev/devices", headers=FORM, content="just text"), 9015, 400)
    assert_error(client.post("/dev/devices", headers=FORM, content=b"\xff\xfe"), 9015, 400)


def test_deregistering_needs_the_did_and_its_passcode(client: TestClient) -> None:
    did = did_of(register(client))
    for content in (f"did={did}&passcode=WRONG", "did=nope&passcode=ABCDEFGHIJ"):
        assert_error(client.request("DELETE", "/dev/devices", headers=FORM, content=content), 9016, 400)
    assert_error(client.request("DELETE", "/dev/devices", headers=FORM, content=f"did={did}"), 9015, 400)
    assert client.get(f"/dev/devices/{did}").status_code == 200


def encrypted(client: TestClient, secret: str, plaintext: str, *, as_hex: bool = True,
              product_key: str = PILOTE2_PK) -> Any:
    ciphertext = aes(secret, plaintext.encode(), encrypt=True)
    data = ciphertext.hex() if as_hex else base64.b64encode(ciphertext).decode()
    return client.post(f"/dev/{product_key}/device", headers=FORM, data={"data": data})


def test_encrypted_registration_answers_the_encrypted_did(client: TestClient, cloud: Cloud, secret: str) -> None:
    response = encrypted(client, secret, f"mac={MAC}&passcode=ABCDEFGHIJ&type=normal&extra=00")
    assert response.status_code == 201
    plaintext = aes(secret, bytes.fromhex(response.text), encrypt=False).decode()
    assert plaintext.startswith("did=")
    did = plaintext[len("did="):]
    assert cloud.devices.require(did).mac == MAC
    again = encrypted(client, secret, f"mac={MAC}&passcode=OTHERCODE&extra=00", as_hex=False)
    assert aes(secret, base64.b64decode(again.text), encrypt=False).decode() == f"did={did}"


def test_encrypted_registration_replaces_a_plain_did_and_locks_the_plain_calls(client: TestClient, cloud: Cloud,
                                                                               secret: str) -> None:
    plain = did_of(register(client))
    response = encrypted(client, secret, f"mac={MAC}&passcode=ABCDEFGHIJ&extra=01")
    did = aes(secret, bytes.fromhex(response.text), encrypt=False).decode()[len("did="):]
    assert did != plain
    assert cloud.devices.get(plain) is None
    assert cloud.devices.require(did).metadata("type") == "center_control"  # extra's last bit
    assert_error(register(client), 9048, 400)
    assert_error(client.get(f"/dev/devices/{did}"), 9048, 400)
    assert_error(client.request("DELETE", "/dev/devices", headers=FORM, content=f"did={did}&passcode=ABCDEFGHIJ"),
                 9048, 400)


@pytest.mark.parametrize("data", ["", "not*base64", "00112233", base64.b64encode(b"x" * 16).decode()])
def test_data_that_does_not_decrypt_is_9015(client: TestClient, data: str) -> None:
    assert_error(client.post(f"/dev/{PILOTE2_PK}/device", headers=FORM, data={"data": data}), 9015, 400)


def test_encrypted_registration_checks_the_decrypted_form(client: TestClient, cloud: Cloud, secret: str) -> None:
    count = len(cloud.devices)
    assert_error(encrypted(client, secret, "passcode=ABCDEFGHIJ"), 9015, 400)
    assert_error(encrypted(client, secret, f"mac={MAC}&passcode=A&extra=zz"), 9015, 400)
    assert_error(encrypted(client, secret, f"mac={MAC}&passcode=A", product_key="0" * 32), 9002, 400)
    assert len(cloud.devices) == count
