#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A TLS server for bench/live.sh: serves one certificate to many handshakes at once (asyncio; an
`openssl s_server` takes one connection at a time), behind a relay that holds every chunk for
DELAY ms in each direction, as a network with that one-way delay would (a TLS 1.3 handshake then
costs about two delays more than on loopback).

    live_server.py CERT_CHAIN_PEM KEY_PEM DELAY_MS PORT_FILE

Binds 127.0.0.1 only; writes the relay's port to PORT_FILE once both listen; exits on SIGTERM.
"""

import asyncio
import os
import signal
import ssl
import sys


async def pump(reader, writer, delay):
    """Copy reader to writer, each chunk `delay` seconds after it arrived, in order."""
    q = asyncio.Queue()

    async def feed():
        loop = asyncio.get_running_loop()
        while True:
            data = await reader.read(65536)
            q.put_nowait((loop.time() + delay, data))
            if not data:
                return

    async def drain():
        loop = asyncio.get_running_loop()
        while True:
            due, data = await q.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not data:
                break
            writer.write(data)
            await writer.drain()
        writer.close()

    await asyncio.gather(feed(), drain(), return_exceptions=True)


async def main():
    cert, key, delay_ms, port_file = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    delay = delay_ms / 1000.0
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)

    async def tls_client(reader, writer):
        try:
            await reader.read(1)  # until the client closes
        except (ConnectionError, ssl.SSLError):
            pass
        writer.close()

    backend = await asyncio.start_server(tls_client, "127.0.0.1", 0, ssl=ctx, backlog=256)
    bport = backend.sockets[0].getsockname()[1]

    async def relay(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", bport)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pump(creader, swriter, delay), pump(sreader, cwriter, delay),
                             return_exceptions=True)

    front = await asyncio.start_server(relay, "127.0.0.1", 0, backlog=256)
    port = front.sockets[0].getsockname()[1]
    tmp = f"{port_file}.tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, port_file)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
