"""Webhooks: stored subscriptions whose results are POSTed, signed, to an admin's URL.

signing   Standard Webhooks headers (HMAC-SHA256 over `id.timestamp.body`, `whsec_` keys)
targets   where a webhook may point (no loopback or private ranges unless allowed)
attempt   one POST and what to make of its answer; the retry delay
store     the rows: leases, the delivery queue, settling an attempt, the admin's edits
follower  runs a webhook's subscription and queues each result
runner    this process's loop: take leases, follow, send what is due
"""
