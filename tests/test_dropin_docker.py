"""The Dockerfile's drop-in stage (``docker build --target tls``): its command, as written, serves
TLS on 8000 and on the real ports, keeps the authority in its volume, and its health check passes.
No Docker engine is needed: the command lines run in a private network namespace, where ports
443 and 80 are free and the container's 0.0.0.0 is nobody else's."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

from support_dropin import ROOT, in_namespace

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def stage(name: str) -> str:
    return re.search(rf"^FROM \S+ AS {name}\n(.*?)(?=^FROM |\Z)", DOCKERFILE, re.MULTILINE | re.DOTALL).group(1)


def test_the_default_build_is_the_plain_image_and_the_tls_stage_is_a_target() -> None:
    stages = re.findall(r"^FROM \S+ AS (\w+)$", DOCKERFILE, re.MULTILINE)
    assert stages == ["base", "tls", "plain"]  # docker build without --target builds the last: plain
    assert "docker build --target tls" in DOCKERFILE and "docker cp <container>:/certs/ca.pem" in DOCKERFILE
    assert "VOLUME /certs" in stage("tls") and "EXPOSE 8000 443 80 8880 8080" in stage("tls")


def test_the_tls_stage_command_and_health_check_work(tmp_path: Path) -> None:
    tls = stage("tls")
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1))
    command = json.loads(re.search(r"^CMD (\[.*\])$", tls, re.MULTILINE).group(1))
    health = re.search(r'CMD python -c "(.*)"$', tls, re.MULTILINE).group(1)
    assert entrypoint == ["gizwits-emulator"] and {"--tls", "--real-ports", "--admin"} <= set(command)
    at = command.index("--cert-dir")
    assert command[at + 1] == "/certs"
    command[at + 1] = str(tmp_path / "certs")  # the volume
    program = Path(sys.executable).with_name(entrypoint[0])
    driver = tmp_path / "container.py"
    driver.write_text(textwrap.dedent(f'''
        import json, ssl, subprocess, sys, time, urllib.request
        process = subprocess.Popen({[str(program), *command]!r}, stdout=subprocess.PIPE, text=True)
        for line in process.stdout:
            if line.startswith("Press Ctrl+C"):
                break
        health = subprocess.run([sys.executable, "-c", {health!r}]).returncode
        context = ssl.create_default_context(cafile={str(tmp_path / "certs" / "ca.pem")!r})
        with urllib.request.urlopen("https://127.0.0.1:8000/status", context=context, timeout=10) as answer:
            tls = answer.status
        with urllib.request.urlopen("https://localhost:443/status", context=context, timeout=10) as answer:
            real = answer.status
        process.send_signal(2)
        print(json.dumps({{"health": health, "tls": tls, "real": real, "exit": process.wait(15)}}))
    '''))
    assert in_namespace(driver) == {"health": 0, "tls": 200, "real": 200, "exit": 0}
    assert (tmp_path / "certs" / "authority.pem").exists()
