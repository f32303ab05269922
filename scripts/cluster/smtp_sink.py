"""The cluster's mail relay: an SMTP server (aiosmtpd) that accepts every
message and appends its Message-ID to a file, one a line, so the test can
count what arrived and how often.

    python scripts/cluster/smtp_sink.py ADDRESS PORT FILE
"""

from __future__ import annotations

import signal
import sys
import threading
from email.parser import BytesHeaderParser
from typing import Any, TextIO

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = self.parser.parsebytes(envelope.content)["Message-ID"] or "<none>"
        with self.lock:
            self.out.write(f"{message_id.strip()}\n")
            self.out.flush()
        return "250 OK"


def main() -> None:
    address, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "a", encoding="utf-8") as out:
        controller = Controller(Recorder(out), hostname=address, port=port)
        controller.start()
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        signal.signal(signal.SIGINT, lambda *_: stopped.set())
        print(f"SMTP sink on {address}:{port}, Message-IDs to {path}", flush=True)
        stopped.wait()
        controller.stop()


if __name__ == "__main__":
    main()
