"""A small Chrome DevTools Protocol client over ``--remote-debugging-pipe``, for browser tests.

Headless Chromium (Debian's ``chromium`` package) reads protocol messages on its file
descriptor 3 and writes them on 4, each a JSON object ended by a NUL byte; no websocket
library, no driver download. :class:`Browser` opens one page and offers what the tests
need: navigate, evaluate JavaScript, press keys (real input events), take a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def chromium() -> str | None:
    """The Chromium executable on this machine, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


KEYS = {"ArrowRight": 39, "ArrowLeft": 37, "ArrowUp": 38, "ArrowDown": 40, "End": 35, "Home": 36}


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, width: int = 1200, height: int = 900, timeout: float = 60.0):
        exe = chromium()
        if exe is None:
            raise RuntimeError("no chromium on this machine")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="hpfsim-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-extensions", "--remote-debugging-pipe", "--hide-scrollbars",
                 f"--user-data-dir={self._profile}", f"--window-size={width},{height}"]  # fmt: skip
        cmd = " ".join([exe, *flags, "about:blank"])
        self._proc = subprocess.Popen(  # a fixed command line: our own flags
            f"exec {cmd} 3<&{to_browser_r} 4>&{from_browser_w}",
            shell=True,
            executable=shutil.which("bash"),  # dash cannot redirect descriptors above 9
            pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL,
            stderr=open(os.environ.get("HPFSIM_CHROMIUM_LOG", os.devnull), "wb"),  # noqa: SIM115
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buf = b""
        self._id = 0
        self._events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Log.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)  # fmt: skip

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """End the browser (the process this client started) and remove its profile."""
        with contextlib.suppress(Exception):  # the browser may already be gone
            self.call("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self._profile, ignore_errors=True)

    # ------------------------------------------------------------------ protocol
    def call(self, method: str, **params) -> dict:
        """A browser-level command; its result."""
        return self._roundtrip({"method": method, "params": params})

    def send(self, method: str, **params) -> dict:
        """A command to the page; its result."""
        return self._roundtrip({"method": method, "params": params, "sessionId": self._session})

    def _roundtrip(self, message: dict) -> dict:
        self._id += 1
        message["id"] = self._id
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{message['method']}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, method: str) -> dict:
        """The next event ``method`` from the page (or one already received)."""
        while True:
            for i, e in enumerate(self._events):
                if e.get("method") == method:
                    return self._events.pop(i)
            self._events.append(self._read())

    def problems(self) -> list[dict]:
        """Console messages, uncaught exceptions and failed loads the page produced so far."""
        while True:  # drain what the browser has sent without blocking
            ready, _, _ = select.select([self._from_browser], [], [], 0.2)
            if not ready and b"\0" not in self._buf:
                break
            self._events.append(self._read())
        kinds = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
        return [e for e in self._events if e.get("method") in kinds]

    # ------------------------------------------------------------------ page
    def open(self, path: Path, fragment: str = "") -> None:
        """Load a local file (``file://``, no server) and wait for its load event."""
        self._events.clear()
        url = Path(path).resolve().as_uri() + (f"#{fragment}" if fragment else "")
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str):
        """Evaluate JavaScript in the page; its value."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)  # fmt: skip
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def press(self, key: str, times: int = 1) -> None:
        """Press a key ``times`` times, as a user would, on the focused element."""
        code = KEYS[key]
        for _ in range(times):
            for kind in ("rawKeyDown", "keyUp"):
                self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                          windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)  # fmt: skip

    def click(self, selector: str) -> None:
        """Click the middle of an element with the mouse."""
        box = self.js(
            f"(()=>{{const r=document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
            "return [r.x+r.width/2,r.y+r.height/2];})()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left",
                      clickCount=1)  # fmt: skip

    def screenshot(self, path: Path, *, full_page: bool = True) -> None:
        """Save a PNG of the page."""
        params = {"format": "png", "captureBeyondViewport": full_page}
        data = self.send("Page.captureScreenshot", **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))
