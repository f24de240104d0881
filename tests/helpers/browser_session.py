"""Browser-test plumbing: where Chromium is, how it starts, a JupyterLab server, screenshots as artifacts."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(REPO, "build", "test-artifacts", "browser")
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet on this closed network: no background fetches, no update checks.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HANGUL = re.compile("[가-힣]")


def screenshot(page, name):
    """Keep a picture of this step as a test artifact."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=False)
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, process=None, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing answered at {url} within {timeout} s")


class JupyterLab:
    """A JupyterLab server on 127.0.0.1 for one test module, with its own settings (never the user's)."""

    def __init__(self, root, cwd, home):
        self.port = free_port()
        self.token = "course-browser-test"
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
            JUPYTER_CONFIG_DIR=os.path.join(home, "config"),
            JUPYTERLAB_SETTINGS_DIR=os.path.join(home, "settings"),
            JUPYTERLAB_WORKSPACES_DIR=os.path.join(home, "workspaces"),
            JUPYTER_RUNTIME_DIR=os.path.join(home, "runtime"),
        )
        os.makedirs(home, exist_ok=True)
        self.log_path = os.path.join(home, "jupyterlab.log")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
                # Lets the test read the notebook model (outputs, kernel state) instead of scraping pixels.
                "--LabApp.expose_app_in_browser=True",
                "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        wait_for_http(f"{self.base}/api/status?token={self.token}", self.process)

    def url(self, path):
        separator = "&" if "?" in path else "?"
        return f"{self.base}{path}{separator}token={self.token}"

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()
