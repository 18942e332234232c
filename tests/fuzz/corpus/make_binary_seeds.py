#!/usr/bin/env python3
"""Writes the seeds of the two fuzzers whose input is read with FuzzedDataProvider (recordio_fuzzer,
http_router_fuzzer), whose bytes are not readable by hand. The JSON fuzzers' seeds are plain files.

FuzzedDataProvider reads strings and the remaining bytes from the FRONT and integers and bools from
the BACK (the first one read is the last byte). Each integer here is one byte (ranges < 256) except
recordio's limit and split offsets (two bytes, high byte read first). A string ends at a backslash
followed by any other character. Run from this directory: ./make_binary_seeds.py
"""
import os


def recordio_input(records, limit, repeat=1, offsets=(), tail=b""):
    payload = b"".join(str(len(r)).encode() + b"\n" + r for r in records) + tail
    back = [bytes([limit & 0xFF, limit >> 8]), bytes([repeat - 1]), bytes([len(offsets)])]
    back += [bytes([o & 0xFF, o >> 8]) for o in offsets]
    return payload + b"".join(reversed(back))


METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "get"]
NAMES = ["Content-Type", "Accept", "Host", "X-Forwarded-For", "Content-Length"]
SCHEMES = ["Bearer ", "bearer ", "BEARER  ", "Bearer", "Basic ", ""]


def http_input(with_token, method, target, headers=(), auth=None, body=""):
    front, back = b"", []

    def string(s):
        nonlocal front
        front += s.encode().replace(b"\\", b"\\\\") + b"\\x"

    back.append(1 if with_token else 0)
    back.append(METHODS.index(method))
    string(target)
    back.append(len(headers))
    for name, value in headers:
        back += [0, NAMES.index(name)]
        string(value)
    if auth is None:
        back.append(len(SCHEMES))
    else:
        scheme, right_token = auth
        back += [SCHEMES.index(scheme), 1 if right_token else 0, 0]
        back += [0] * len("Authorization")
    return front + body.encode() + bytes(reversed(back))


SUB = b'{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"f-1"},"heartbeat_interval_seconds":15}}'
HB = b'{"type":"HEARTBEAT"}'
SEEDS = {
    "recordio_fuzzer": {
        "subscribed-and-heartbeat": recordio_input([SUB, HB], 4096),
        "split-mid-length-and-body": recordio_input([SUB, HB, HB], 4096, 4, [1, 3, 50, 103, 200, 260]),
        "partial-record-at-end": recordio_input([SUB], 4096, 1, [2], tail=b'20\n{"type"'),
        "record-over-limit": recordio_input([SUB], 64),
        "empty-record": recordio_input([b"", HB], 100, 2, [1]),
    },
    "http_router_fuzzer": {
        "get-status": http_input(True, "GET", "/v1/status"),
        "pause-with-token": http_input(True, "POST", "/v1/reconcilers/nodes/pause?reason=a%20b+c&x",
                                       [("Content-Type", "application/json")], ("Bearer ", True),
                                       '{"why":"test"}'),
        "pause-wrong-token": http_input(True, "POST", "/v1/reconcilers/nodes/pause", [],
                                        ("bearer ", False)),
        "pause-without-admin": http_input(False, "POST", "/v1/reconcilers/nodes/pause", [],
                                          ("Bearer ", True)),
        "delete-escaped-slash": http_input(True, "DELETE", "/v1/volumes/pool1/v%2F1",
                                           [("Accept", "application/json")], ("Bearer ", True)),
        "index-as-text": http_input(True, "GET", "/", [("Accept", "text/plain")]),
        "follow-stream": http_input(True, "GET", "/v1/events/follow?from=10",
                                    [("Host", "127.0.0.1")]),
        "method-not-allowed": http_input(True, "PATCH", "/v1/plan"),
        "broken-escape-in-path": http_input(True, "GET", "/v2/nothing/%zz"),
        "literal-beats-capture": http_input(True, "GET", "/v1/reconcilers/all"),
    },
}

if __name__ == "__main__":
    for fuzzer, seeds in SEEDS.items():
        os.makedirs(fuzzer, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(fuzzer, name), "wb") as f:
                f.write(data)
