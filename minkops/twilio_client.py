"""The Twilio REST client the service uses, pointed at a configurable API base URL."""

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

DEFAULT_TIMEOUT_SECONDS = 10.0


def _is_twilio_host(host: str) -> bool:
    return host == "twilio.com" or host.endswith(".twilio.com")


class _RebasingHttpClient:
    """Sends every request for a ``*.twilio.com`` host to one other base URL.

    The SDK has no base-URL setting: each domain (api, content, ...) hard-codes its
    host, region/edge settings rewrite those hosts, and list pages may carry absolute
    next-page URLs. Rewriting at the HTTP layer, after all of that, catches every path.
    """

    is_async = False

    def __init__(self, api_base: str, timeout: float) -> None:
        base = urlsplit(api_base)
        self._scheme = base.scheme
        self._netloc = base.netloc
        self._path_prefix = base.path.rstrip("/")
        self._inner = TwilioHttpClient(timeout=timeout)
        self.timeout = timeout

    def rebase(self, url: str) -> str:
        parts = urlsplit(url)
        if not _is_twilio_host(parts.hostname or ""):
            return url
        return urlunsplit(
            (self._scheme, self._netloc, self._path_prefix + parts.path, parts.query, "")
        )

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        return self._inner.request(
            method,
            self.rebase(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def make_twilio_client(
    account_sid: str,
    auth_token: str,
    api_base: str,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Client:
    """A synchronous Twilio client whose REST calls all go to ``api_base``.

    When ``api_base`` is itself a Twilio host (production), the SDK's own per-domain
    hosts are kept, so ``https://api.twilio.com`` still reaches content.twilio.com etc.
    """
    if _is_twilio_host(urlsplit(api_base).hostname or ""):
        http_client: object = TwilioHttpClient(timeout=timeout)
    else:
        http_client = _RebasingHttpClient(api_base, timeout)
    return Client(account_sid, auth_token, http_client=http_client)


def sign_twilio_request(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send when POSTing ``params`` to ``url``."""
    signature: str = RequestValidator(auth_token).compute_signature(url, dict(params))
    return signature
