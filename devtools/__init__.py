"""Stand-ins for services outside the machine, used by `make run` and by the tests alike.

Nothing in production imports this package: `make run` starts `python -m devtools.fake_stripe` only when
no real Stripe key is in the environment (scripts/run-dev).
"""

import urllib.parse


def loopback(url: str) -> tuple[str, dict]:
    """`*.localhost` is loopback (RFC 6761): browsers know, the system resolver here does not.

    Returns the URL to connect to and the headers that keep the original Host.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), {"Host": parts.netloc}
    return url, {}
