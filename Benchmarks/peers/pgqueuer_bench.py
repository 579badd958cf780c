#!/usr/bin/env python3
"""pgqueuer on PostgreSQL, the peer of PostgresBenchmark's drain: enqueue N no-op jobs in
batches, then drain them with C consumer processes, each running pgqueuer's own QueueManager in
drain mode on its own connection. The tables live in a private schema (search_path) that is
dropped at the end. Prints one JSON object per result line. Needs `pip install pgqueuer asyncpg`.

  pgqueuer_bench.py --dsn postgresql://USER:PASSWORD@HOST:PORT/DB [--jobs N] [--consumers C]
"""
import argparse
import asyncio
import json
import multiprocessing
import time

import asyncpg
import pgqueuer
from pgqueuer import QueueManager, Queries
from pgqueuer.db import AsyncpgDriver
from pgqueuer.types import QueueExecutionMode

SCHEMA = "pgqueuer_bench"


async def connect(dsn):
    return await asyncpg.connect(dsn, server_settings={"search_path": SCHEMA})


async def prepare(dsn, jobs):
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    await admin.execute(f"CREATE SCHEMA {SCHEMA}")
    await admin.close()
    connection = await connect(dsn)
    queries = Queries(AsyncpgDriver(connection))
    await queries.install(create_schema=False)
    start = time.perf_counter()
    for offset in range(0, jobs, 1000):
        size = min(1000, jobs - offset)
        await queries.enqueue(["noop"] * size, [None] * size, [0] * size)
    seconds = time.perf_counter() - start
    await connection.close()
    return seconds


async def consume(dsn):
    connection = await connect(dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))

    @manager.entrypoint("noop")
    async def noop(job):
        return None

    await manager.run(mode=QueueExecutionMode.drain, batch_size=10, dequeue_timeout=__import__("datetime").timedelta(seconds=1))
    await connection.close()


def consumer(dsn):
    asyncio.run(consume(dsn))


async def cleanup(dsn):
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    await admin.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--consumers", type=int, default=5)
    args = parser.parse_args()

    enqueue_seconds = asyncio.run(prepare(args.dsn, args.jobs))
    processes = [multiprocessing.Process(target=consumer, args=(args.dsn,)) for _ in range(args.consumers)]
    start = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    drain_seconds = time.perf_counter() - start
    asyncio.run(cleanup(args.dsn))

    version = getattr(pgqueuer, "__version__", "?")
    print(json.dumps({"name": "pgqueuer.enqueue", "value": round(args.jobs / enqueue_seconds), "unit": "jobs/s",
                      "batch": 1000, "version": version}))
    print(json.dumps({"name": "pgqueuer.drain", "value": round(args.jobs / drain_seconds), "unit": "jobs/s",
                      "consumers": args.consumers, "jobs": args.jobs, "version": version}))


if __name__ == "__main__":
    main()
