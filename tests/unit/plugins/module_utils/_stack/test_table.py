"""Unit tests for _stack/table.py: plan rows (create/update/replace/delete/none, the fields that change) and the table."""

from ansible_collections.webops.https_rollout.plugins.module_utils._stack import table


def test_actions():
    assert table.row("lb", True, None, {"arn": "predicted:load-balancer:web", "scheme": "internal"})["action"] == "create"
    assert table.row("lb", True, {"arn": "a", "idle_timeout": 60}, {"arn": "a", "idle_timeout": 30}) == {
        "resource": "lb", "action": "update", "fields": ["idle_timeout"]}
    assert table.row("cert", True, {"arn": "a"}, {"arn": "b"})["action"] == "replace"
    assert table.row("tg", False, {"arn": "a"}, {"arn": "a"}) == {"resource": "tg", "action": "none", "fields": []}
    assert table.row("tg", True, {"arn": "a"}, {}, deleted=True) == {"resource": "tg", "action": "delete", "fields": []}


def test_a_create_lists_the_fields_it_sets_and_no_bookkeeping():
    row = table.row("tg", True, None, {"arn": "x", "port": 8080, "vpc_id": None, "targets": [], "waited": {"polls": 1}})
    assert row["fields"] == ["port"]


def test_render_is_one_aligned_table():
    lines = table.render([
        {"resource": "load balancer web", "action": "create", "fields": ["scheme", "subnets"]},
        {"resource": "listener HTTP:80", "action": "none", "fields": []},
    ])
    assert lines[0].split() == ["resource", "action", "fields", "that", "change"]
    assert lines[2] == "load balancer web  create  scheme, subnets"
    assert lines[3] == "listener HTTP:80   none    -"
    assert table.render([]) == ["(nothing to do)"]


def test_diff_has_a_header_per_resource_and_leaves_extras_out():
    entry = table.diff("tg web", {"port": 80}, {"port": 80, "waited": {"polls": 2}})
    assert entry == {"before_header": "tg web", "after_header": "tg web", "before": {"port": 80}, "after": {"port": 80}}
