"""Editions: prepare a change to a live page, send it for approval, publish it now or at a set
minute, and never lose another editor's work. services.py holds the rules; snapshot.py turns an
object into JSON and back; live.py writes an edition onto its live row; preview.py serves an
edition at the page's own address; tasks.py does the timed work."""
