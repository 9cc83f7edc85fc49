"""Open every page of a static site in headless Chromium and report what a reader would hit.

``python -m lowlight_utils.courseware.sitecheck build/course/site`` serves the folder on 127.0.0.1,
opens each ``.html`` page in Debian's ``chromium`` (driven through the DevTools protocol over
a websocket), and fails, naming the page, on

* a page that does not load (a network error or an HTTP status of 400 or more);
* an image that does not decode (``img.decode()`` rejects, or ``naturalWidth`` is 0);
* a broken internal link: a link to a file of the site that does not exist, or to an
  ``#anchor`` that the target page does not have;
* a console error: ``console.error``, an uncaught exception, or a browser log entry of level
  error (a resource that failed to load, for instance);
* a request for anything outside the site (the site must work offline).

Links to other hosts are not followed (the check runs offline); they are counted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--remote-debugging-port=0", "--remote-allow-origins=*",
                  "--window-size=1280,900"]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Run in each page after its load event: force lazy images to load, wait for every image to
# decode, then report images, links and the ids that fragments may point at.
_INSPECT = """
(async () => {
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  const decoded = await Promise.all(imgs.map(i => i.decode().then(() => true, () => false)));
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)));
  return {
    images: imgs.map((i, k) => ({src: i.currentSrc || i.src, decoded: decoded[k],
                                 width: i.naturalWidth})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    icon: !!document.querySelector('link[rel~="icon"]'),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id)
         .concat([...document.querySelectorAll('a[name]')].map(e => e.name)),
  };
})()
"""


class SiteCheckError(RuntimeError):
    """The check could not run (no Chromium, Chromium did not start, no pages)."""


def find_chromium(explicit: str | None = None) -> str:
    """The Chromium executable: ``explicit``, ``$CHROMIUM``, or the first one on ``PATH``.

    Raises
    ------
    SiteCheckError
        If none is found, saying how to install Debian's package.
    """
    for name in (explicit, os.environ.get("CHROMIUM"), *CANDIDATES):
        if name and shutil.which(name):
            return shutil.which(name)
    raise SiteCheckError("no Chromium found (looked for $CHROMIUM and "
                         f"{', '.join(CANDIDATES)}): install Debian's package with "
                         "`apt-get install chromium`")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _DevTools:
    """A minimal DevTools-protocol client over one websocket (flat sessions)."""

    def __init__(self, ws_url: str):
        import websocket  # websocket-client

        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise SiteCheckError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)
        raise SiteCheckError(f"Chromium did not answer {method} within {timeout:.0f} s")

    def wait_for(self, method: str, session: str, timeout: float = 60) -> bool:
        """Read events until ``method`` arrives for ``session``; False on time-out."""
        def seen():
            return any(e.get("method") == method and e.get("sessionId") == session
                       for e in self.events)
        deadline = time.monotonic() + timeout
        while not seen():
            if time.monotonic() > deadline:
                return False
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except Exception:  # websocket time-out: loop checks the deadline
                continue
        return True

    def close(self):
        self.ws.close()


@dataclass
class Report:
    """What the check found: problems as ``(page, message)``, and what it looked at."""

    pages: int = 0
    images: int = 0
    internal_links: int = 0
    external_links: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        head = (f"checked {self.pages} pages, {self.images} images, {self.internal_links} "
                f"internal links ({self.external_links} links to other sites not followed)")
        if not self.problems:
            return head + ": no problems"
        return "\n".join([f"{head}: {len(self.problems)} problems"]
                         + [f"  {page}: {msg}" for page, msg in self.problems])


def _start_chromium(executable: str, profile_dir: str) -> tuple[subprocess.Popen, str]:
    log = open(Path(profile_dir) / "chromium.log", "wb")  # noqa: SIM115 - closed with proc
    proc = subprocess.Popen([executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}",
                             "about:blank"], stdout=log, stderr=subprocess.STDOUT)
    port_file = Path(profile_dir) / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if port_file.is_file():
            lines = port_file.read_text().split()
            if len(lines) >= 2:
                return proc, f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    log.close()
    tail = (Path(profile_dir) / "chromium.log").read_text(errors="replace")[-2000:]
    raise SiteCheckError(f"{executable} did not start a DevTools endpoint:\n{tail}")


def _check_page(tools: _DevTools, url: str, page: str, origin: str, report: Report) -> dict:
    target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        tools.send(f"{domain}.enable", session=session)
    tools.events.clear()
    nav = tools.send("Page.navigate", {"url": url}, session=session)
    found: dict = {"images": [], "links": [], "ids": []}
    if nav.get("errorText"):
        report.problems.append((page, f"does not load: {nav['errorText']}"))
    elif not tools.wait_for("Page.loadEventFired", session):
        report.problems.append((page, "does not finish loading within 60 s"))
    else:
        result = tools.send("Runtime.evaluate", {"expression": _INSPECT, "awaitPromise": True,
                                                 "returnByValue": True}, session=session)
        if "exceptionDetails" in result:
            report.problems.append((page, f"could not be inspected: "
                                          f"{result['exceptionDetails'].get('text')}"))
        else:
            found = result["result"]["value"]
    declares_icon = found.get("icon", False)
    for event in tools.events:
        if event.get("sessionId") != session:
            continue
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", "")))
                            for a in params.get("args", []))
            report.problems.append((page, f"console error: {text}"))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            report.problems.append((page, f"uncaught exception: {text}"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            if entry.get("url") == origin + "favicon.ico" and not declares_icon:
                continue  # the browser's own guess at an icon the page never named
            report.problems.append((page, f"console error: {entry.get('text')} "
                                          f"{entry.get('url', '')}".rstrip()))
        elif method == "Network.requestWillBeSent":
            req = params["request"]["url"]
            if not req.startswith((origin, "data:", "blob:", "about:")):
                report.problems.append((page, f"requests a resource outside the site: {req}"))
        elif (method == "Network.responseReceived" and params.get("type") == "Document"
              and params["response"]["url"] == url and params["response"]["status"] >= 400):
            report.problems.append((page, f"does not load: HTTP "
                                          f"{params['response']['status']}"))
    tools.send("Target.closeTarget", {"targetId": target})
    return found


def check_site(site: Path, chromium: str | None = None) -> Report:
    """Open every ``.html`` page under ``site`` in headless Chromium; return the report.

    Raises
    ------
    SiteCheckError
        If ``site`` has no pages, or Chromium is missing or does not start.
    """
    site = Path(site).resolve()
    # Pages, not the theme's template fragments or copied assets (folders named _static...).
    pages = sorted(rel for rel in (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
                   if not any(part.startswith("_") for part in rel.split("/")[:-1]))
    if not pages:
        raise SiteCheckError(f"{site} has no .html pages")
    executable = find_chromium(chromium)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    profile_dir = tempfile.mkdtemp(prefix="sitecheck-chromium-")
    report = Report()
    proc = None
    try:
        proc, ws_url = _start_chromium(executable, profile_dir)
        tools = _DevTools(ws_url)
        ids: dict[str, set[str]] = {}
        links: list[tuple[str, str]] = []
        for page in pages:
            found = _check_page(tools, origin + page, page, origin, report)
            report.pages += 1
            ids[page] = set(found["ids"])
            for img in found["images"]:
                report.images += 1
                if not img["decoded"] or not img["width"]:
                    report.problems.append((page, f"image does not decode: {img['src']}"))
            for href in found["links"]:
                if href.startswith(origin):
                    links.append((page, href))
                elif href.startswith(("http://", "https://")):
                    report.external_links += 1
        tools.close()
        for page, href in links:
            report.internal_links += 1
            target_url, fragment = urldefrag(href)
            path = unquote(urlsplit(target_url).path).lstrip("/")
            if not path or path.endswith("/"):
                path += "index.html"
            if not (site / path).is_file():
                report.problems.append((page, f"broken link: {href} ({path} does not exist)"))
            elif fragment and path.endswith(".html") and unquote(fragment) not in ids.get(
                    path, set()):
                report.problems.append((page, f"broken link: {href} (no #{unquote(fragment)} "
                                              f"in {path})"))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile_dir, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lowlight_utils.courseware.sitecheck",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, nargs="?", default=Path("build/course/site"),
                        help="folder of the static site (default: build/course/site)")
    parser.add_argument("--chromium", help="Chromium executable (default: $CHROMIUM or "
                        "chromium on PATH)")
    args = parser.parse_args(argv)
    try:
        report = check_site(args.site, args.chromium)
    except SiteCheckError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(report)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
