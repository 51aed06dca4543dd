"""Bring Django Packages API v4 data into our tables: parse, validate, upsert.

command.py    `python -m server import ...`: arguments, exit codes, output
run.py        one import: files and URLs in, a Summary out
files.py      file sources: objects, lists, list pages, saved responses, directories
crawl.py      the live API: list pages by limit/offset, then referenced grids/categories
client.py     polite HTTP: concurrency, rate, timeouts, retries, User-Agent
retry.py      backoff with jitter, Retry-After        pacing.py   requests per second
items.py      an object, its kind, its position       documents.py  saved responses
v4.py         v4 JSON -> records (MalformedRecord; the records: `writes.records`)
writer.py     batches, savepoints, grid memberships   summary.py    counts and report
progress.py   a bar on a terminal, log lines elsewhere
errors.py     what stops a source from being read
"""
