"""Route 53 under IAM enforcement: moto's signature check for Route 53 GETs signs the query parameters as a body.

moto rebuilds the request to check its SigV4 signature from the parsed parameters; for Route 53's REST GETs (whose
parameters are in the path and query string, with an empty body) that gives a form body the client never signed, so
every Route 53 read fails with SignatureDoesNotMatch, even for an administrator. This signs what the client signed:
the empty body.
"""

from __future__ import annotations

from moto.iam import access_control

from .settings import Settings


def install(settings: Settings) -> None:  # pylint: disable=unused-argument
    """Patch the rebuilt request of the IAM signature check."""
    original = access_control.IAMRequestBase._create_aws_request  # pylint: disable=protected-access

    def _create_aws_request(self):
        request = original(self)
        if self._service == "route53" and not self._body:  # pylint: disable=protected-access
            request.data = b""
        return request

    access_control.IAMRequestBase._create_aws_request = _create_aws_request  # pylint: disable=protected-access
