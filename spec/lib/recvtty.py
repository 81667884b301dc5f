#!/usr/bin/env python3
"""A console-socket receiver like runc's recvtty: accepts one connection on
the socket path, takes the pty master sent with SCM_RIGHTS, types the given
input into it and prints what the terminal shows until it closes.

usage: recvtty.py SOCKET_PATH INPUT_TEXT [SECONDS]
Prints a first line "name=<the name sent with the fd>", then the output."""
import os, select, socket, sys, time

path, text = sys.argv[1], sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
print("listening", flush=True)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 1024, 1)
master = fds[0]
print("name=" + msg.decode(), flush=True)
os.write(master, text.encode())
out = b""
end = time.time() + seconds
while time.time() < end:
    r, _, _ = select.select([master], [], [], 0.2)
    if not r:
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break  # EIO: the slave side closed
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace"))
