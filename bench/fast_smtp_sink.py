"""A minimal SMTP server for benchmarks: answers every command with success, counts messages, keeps nothing.

aiosmtpd (the project's sink) parses and checks each command and costs about a millisecond of CPU a message, as
much as the sender it is supposed to measure; on a 2-core machine it would be the thing measured. This one reads
lines and the DATA terminator, and answers, in one asyncio protocol: real SMTP on a real socket, nothing more.

  python bench/fast_smtp_sink.py PORT COUNT_FILE      (writes the count to COUNT_FILE on SIGTERM)
"""

import asyncio
import signal
import sys
from pathlib import Path


class SinkProtocol(asyncio.Protocol):
    accepted = 0

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        transport.write(b"220 fast sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    break
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                SinkProtocol.accepted += 1
                replies.append(b"250 2.0.0 Ok: queued\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            verb = line[:4].upper()
            if verb == b"EHLO":
                replies.append(b"250-fast sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n")
            elif verb == b"DATA":
                self.in_data = True
                # The terminator may follow at once if the message was empty: look from the line start.
                self.buffer = b"\r\n" + self.buffer
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"QUIT":
                replies.append(b"221 2.0.0 Bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            else:
                replies.append(b"250 2.0.0 Ok\r\n")
        if replies:
            self.transport.write(b"".join(replies))


async def serve(port: int, count_file: Path) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(SinkProtocol, "127.0.0.1", port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    count_file.write_text(str(SinkProtocol.accepted))


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), Path(sys.argv[2])))
