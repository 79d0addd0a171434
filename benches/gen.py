#!/usr/bin/env python3
"""Bench inputs for benches/run.sh, generated so that no large file is committed.

  gen.py random PATH BYTES         random bytes with a planted console write every 97 MiB
  gen.py mixed PATH BYTES PCT      random bytes with PCT% of them in runs of English-like text
  gen.py text PATH BYTES           pure text (English-like lines, CRLF)
  gen.py folder DIR FILES          FILES files of 1-64 KiB in 20 subfolders: 70% binary,
                                   30% text, a console write planted in every 8th binary file
Deterministic: the same arguments give the same bytes. Files are written in pieces of 128 KiB,
as cat and cp write: on Linux 6.18 a file written in large pieces (1 MiB, 64 MiB) sits in the page
cache as large folios, and unmapping a large mapping of it then makes the process's RSS jump for
a moment (seen: 16 MB -> 60 MB within 0.2 ms during the final munmap of a 4 GiB file, after a
scan that stayed under 25 MB), so its peak RSS grows with the file although nothing it holds does.
"""
import os
import random
import sys

WRITE = b'\r\n\r\nExporting messages in mailbox "randyyeh_ee" to file EXPORT\\MSG4A27.CCM\r\n'
WORDS = (b"the of and to in is was for on that with as by at from it an be this which or are "
         b"mail post office message folder user export import file date subject time report "
         b"server network address system database directory archive backup letter meeting "
         b"please thanks regards monday tuesday friday week year project budget draft").split()


def rand_bytes(rng, n):
    return rng.randbytes(n)


def text_bytes(rng, n):
    out = bytearray()
    while len(out) < n:
        line = b" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        out += line[:1].upper() + line[1:] + b".\r\n"
    return bytes(out[:n])


PIECE = 128 << 10


def write_pieces(f, data):
    for i in range(0, len(data), PIECE):
        f.write(data[i:i + PIECE])


def write_random(path, size):
    rng = random.Random(1)
    step = 64 << 20
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(step, left)
            write_pieces(f, rand_bytes(rng, n))
            left -= n
    with open(path, "r+b") as f:
        for at in range(12345, size - len(WRITE), 97 << 20):
            f.seek(at)
            f.write(WRITE)


def write_mixed(path, size, pct):
    rng = random.Random(2)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(rng.randint(4 << 10, 64 << 10), left)
            if rng.random() * 100 < pct:
                f.write(text_bytes(rng, n))
            else:
                f.write(rand_bytes(rng, n))
            left -= n


def write_text(path, size):
    rng = random.Random(3)
    block = text_bytes(rng, 16 << 20)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(len(block), left)
            write_pieces(f, block[:n])
            left -= n


def write_folder(root, files):
    rng = random.Random(4)
    os.makedirs(root, exist_ok=True)
    for i in range(files):
        d = os.path.join(root, "d%02d" % (i % 20))
        os.makedirs(d, exist_ok=True)
        n = rng.randint(1 << 10, 64 << 10)
        if rng.random() < 0.3:
            data = text_bytes(rng, n)
            name = "f%05d.txt" % i
        else:
            data = bytearray(rand_bytes(rng, n))
            if i % 8 == 0 and n > len(WRITE) + 100:
                at = rng.randint(0, n - len(WRITE) - 1)
                data[at:at + len(WRITE)] = WRITE
            data = bytes(data)
            name = "f%05d.bin" % i
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "random":
        write_random(path, int(sys.argv[3]))
    elif kind == "mixed":
        write_mixed(path, int(sys.argv[3]), int(sys.argv[4]))
    elif kind == "text":
        write_text(path, int(sys.argv[3]))
    elif kind == "folder":
        write_folder(path, int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
