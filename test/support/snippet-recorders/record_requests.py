"""Runs a published Python sample (argv[1]) as __main__ after wrapping requests.Session.send,
which every requests call goes through, to record each answer's status, method, URL and body
in $PUBLISHED_PAGE_RECORD/requests.tsv."""
import os
import runpy
import sys
import tempfile

import requests

RECORD_DIR = os.environ["PUBLISHED_PAGE_RECORD"]
send = requests.Session.send


def recording_send(self, request, **kwargs):
    response = send(self, request, **kwargs)
    fd, body_path = tempfile.mkstemp(prefix="body.", dir=RECORD_DIR)
    with os.fdopen(fd, "wb") as body:
        body.write(response.content)
    with open(os.path.join(RECORD_DIR, "requests.tsv"), "a") as log:
        log.write(f"{response.status_code}\t{request.method}\t{request.url}\t{body_path}\n")
    return response


requests.Session.send = recording_send
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
