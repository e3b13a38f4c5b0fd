"""A bare `websockets` relay: the baseline for bench/board_sync.py (no auth, no validation, no storage).

Every message a client sends on /<room> goes to the room's other clients, nothing else.
Run: python -m bench.board_relay PORT
"""

import asyncio
import sys

from websockets.asyncio.server import serve

ROOMS: dict[str, set] = {}


async def relay(websocket):
    members = ROOMS.setdefault(websocket.request.path, set())
    members.add(websocket)
    try:
        async for message in websocket:
            for other in list(members):
                if other is not websocket:
                    try:
                        await other.send(message)
                    except Exception:  # noqa: BLE001 - a closing peer
                        pass
    finally:
        members.discard(websocket)


async def main(port: int) -> None:
    async with serve(relay, "127.0.0.1", port, max_size=16 * 1024 * 1024, compression=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
