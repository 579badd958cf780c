#!/usr/bin/env python3
"""huey on SQLite, the peer of StoreBenchmark's drain: enqueue N no-op tasks, then drain them
with T threads each running huey's own dequeue/execute loop (what a thread consumer does).
Prints one JSON object per result line. Needs `pip install huey`."""
import argparse
import json
import os
import tempfile
import threading
import time

import huey as huey_module
from huey import SqliteHuey

parser = argparse.ArgumentParser()
parser.add_argument("--jobs", type=int, default=20000)
parser.add_argument("--threads", type=int, default=4)
args = parser.parse_args()

directory = tempfile.mkdtemp(prefix="huey-bench-")
queue = SqliteHuey(filename=os.path.join(directory, "huey.db"), results=False)


@queue.task()
def noop():
    return None


start = time.perf_counter()
for _ in range(args.jobs):
    noop()
enqueue_seconds = time.perf_counter() - start

done = [0]
lock = threading.Lock()


def drain():
    while True:
        task = queue.dequeue()
        if task is None:
            return
        queue.execute(task)
        with lock:
            done[0] += 1


threads = [threading.Thread(target=drain) for _ in range(args.threads)]
start = time.perf_counter()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
drain_seconds = time.perf_counter() - start
assert done[0] == args.jobs, done[0]

version = getattr(huey_module, "__version__", "?")
print(json.dumps({"name": "huey.sqlite.enqueue", "value": round(args.jobs / enqueue_seconds), "unit": "jobs/s", "version": version}))
print(json.dumps({"name": "huey.sqlite.drain", "value": round(args.jobs / drain_seconds), "unit": "jobs/s",
                  "threads": args.threads, "jobs": args.jobs, "version": version}))
