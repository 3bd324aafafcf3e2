"""Outbound requests to addresses a user typed: one guarded client for all of them.

`policy` holds the rules (standard library only); `guard` the client that applies them
(niquests, from the caldav extra). Import them from their modules.
"""
