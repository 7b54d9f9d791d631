"""The sandbox edge's local bookkeeping: listener ports, names, curl lines, HAProxy's health words, certificates."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cryptography import x509

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "sandbox"))

import edge  # noqa: E402  pylint: disable=wrong-import-position

SNAPSHOT = json.loads((Path(__file__).parent / "fixtures" / "snapshot_alb_nlb.json").read_text(encoding="utf-8"))


def test_ports_keep_the_reserved_ones_and_map_the_rest(tmp_path):
    """The first load balancer gets the reserved 80/443 ports, the second one's 443 its own or a free one; UDP none."""
    paths = edge.EdgePaths(tmp_path)
    paths.root.mkdir()
    paths.ports.write_text(json.dumps({"defaults": {"80": 18080, "443": 18443}, "assigned": {}}), encoding="utf-8")
    ports = edge.assign_ports(paths, SNAPSHOT)
    assert ports["demo-edge:80"] == 18080 and ports["demo-edge:443"] == 18443
    assert ports["fixture-nlb:443"] not in (18080, 18443)
    assert ports["fixture-nlb:443"] == 443 or ports["fixture-nlb:443"] > 1024
    assert "fixture-nlb:53" not in ports
    # Stable for the sandbox's life: a second assignment changes nothing.
    assert edge.assign_ports(paths, SNAPSHOT) == ports


def test_reserve_ports_is_decided_once(tmp_path):
    """Without own ports the listeners get free high ports, written once and read back afterwards."""
    paths = edge.EdgePaths(tmp_path)
    first = edge.reserve_ports(paths, prefer_own=False)
    assert all(port > 1024 for port in first["defaults"].values())
    assert edge.reserve_ports(paths, prefer_own=True) == first


def test_names_and_curl_lines():
    """Alias records lead each name to its load balancer's local ports; one curl line per name and scheme."""
    ports = {"demo-edge:80": 18080, "demo-edge:443": 443}
    names = edge.name_map(SNAPSHOT, ports)
    assert names == {"app.example.test": {"load_balancer": "demo-edge", "http": 18080, "https": 443},
                     "www.example.test": {"load_balancer": "demo-edge", "http": 18080, "https": 443}}
    lines = edge.curl_lines({"names": names, "ca": "/x/ca.pem"})
    assert lines[0] == ("curl -sS -o /dev/null -w '%{http_code} %{redirect_url}\\n' --resolve app.example.test:18080:127.0.0.1 "
                        "http://app.example.test:18080/")
    assert lines[1] == "curl -sS --resolve app.example.test:443:127.0.0.1 --cacert /x/ca.pem https://app.example.test/"
    assert len(lines) == 4


def test_health_words():
    """HAProxy's server states in the ELB's words."""
    assert edge.health_word("UP") == "healthy"
    assert edge.health_word("UP 1/2") == "healthy, failing checks"
    assert edge.health_word("DOWN") == "unhealthy"
    assert edge.health_word("DOWN 1/2") == "unhealthy, passing checks"
    assert edge.health_word("MAINT") == "unused"
    assert edge.health_word("no check") == "unavailable (not checked)"


def test_certificate_for_the_acm_names_signed_by_the_sandbox_ca(tmp_path):
    """One PEM per certificate and name set, with the ACM certificate's names, chaining to the sandbox CA; reused."""
    paths = edge.EdgePaths(tmp_path)
    edge.ensure_ca(paths, "unit")
    described = {"DomainName": "app.example.test", "SubjectAlternativeNames": ["app.example.test", "www.example.test"],
                 "KeyAlgorithm": "EC_prime256v1"}
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    pem = edge.certificate_file(paths, arn, described)
    assert edge.certificate_file(paths, arn, described) == pem
    leaf = x509.load_pem_x509_certificate(pem.read_bytes())
    ca = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
    assert leaf.issuer == ca.subject
    leaf.verify_directly_issued_by(ca)
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert names == ["app.example.test", "www.example.test"]
    assert b"PRIVATE KEY" in pem.read_bytes() and oct(pem.stat().st_mode)[-3:] == "600"
    renamed = dict(described, SubjectAlternativeNames=["app.example.test", "shop.example.test"])
    assert edge.certificate_file(paths, arn, renamed) != pem


def test_long_work_directory_gets_short_socket_paths(tmp_path):
    """Unix socket paths stay under the kernel's limit even for a deep work directory."""
    deep = tmp_path / ("d" * 120)
    paths = edge.EdgePaths(deep)
    assert len(str(paths.master_socket)) <= 100 and len(str(paths.stats_socket)) <= 100
    assert edge.EdgePaths(tmp_path).stats_socket == tmp_path / "edge" / "stats.sock"
