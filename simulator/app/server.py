"""Serving the page: Solara's server (uvicorn) on 127.0.0.1 only, with Solara's telemetry off."""

from __future__ import annotations

import os
import socket
import warnings

#: The page's Solara component.
APP = "simulator.app.page:Page"
HOST = "127.0.0.1"


class AppError(OSError):
    """The page cannot be served as asked (port taken); the message is one line."""


def check_port(port: int) -> None:
    """Raise AppError if nothing can listen on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise AppError(f"--port {port}: cannot listen on {HOST}:{port} ({exc.strerror})") from None


def serve(port: int) -> int:
    """Serve the page at http://127.0.0.1:`port`/ until interrupted; return the exit status."""
    check_port(port)
    # Solara reads its settings from the environment when first imported: set them before.
    os.environ["SOLARA_APP"] = APP
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_MODE", "production")
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = HOST, str(port)
    import uvicorn

    # Mesa 3.3's own SolaraViz code trips Solara's rules-of-hooks check (harmless); keep the console clean
    warnings.filterwarnings("ignore", message=r".*found despite early return", category=UserWarning)

    print(f"talentsim app: http://{HOST}:{port}/ (Ctrl-C stops it)", flush=True)
    config = uvicorn.Config("solara.server.starlette:app", host=HOST, port=port, log_level="warning")
    uvicorn.Server(config).run()
    return 0
