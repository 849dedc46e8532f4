from tta_dev_primitives import RouteDecision, WorkflowContext


def test_ids_and_defaults():
    ctx = WorkflowContext(workflow_id="wf", session_id="s")
    assert (ctx.workflow_id, ctx.session_id) == ("wf", "s")
    assert ctx.metadata == {}
    assert ctx.state == {}
    assert ctx.trace_context is None
    assert ctx.parent is None
    assert ctx.route_decisions == []
    assert ctx.cost_saved == 0.0


def test_generated_workflow_id_is_unique():
    first, second = WorkflowContext(), WorkflowContext()
    assert first.workflow_id
    assert first.workflow_id != second.workflow_id
    assert first.session_id is None


def test_given_dicts_are_used_as_is():
    metadata = {"user": "u"}
    ctx = WorkflowContext("wf", metadata=metadata, state={"n": 1}, trace_context={"tp": "x"})
    assert ctx.metadata is metadata
    assert ctx.state == {"n": 1}
    assert ctx.trace_context == {"tp": "x"}


def test_child_shares_ids_and_copies_state():
    parent = WorkflowContext("wf", "s", metadata={"a": 1}, state={"k": 1}, trace_context="tc")
    child = parent.child(branch=2)
    assert (child.workflow_id, child.session_id, child.trace_context) == ("wf", "s", "tc")
    assert child.parent is parent
    assert child.metadata == {"a": 1, "branch": 2}
    assert parent.metadata == {"a": 1}
    child.state["k"] = 2
    assert parent.state == {"k": 1}
    assert child.route_decisions is parent.route_decisions


def test_record_route_and_cost_saved():
    ctx = WorkflowContext("wf")
    ctx.record_route("router", "cheap", 2.5)
    ctx.record_route("router", "fast", 0.5)
    assert ctx.route_decisions == [
        RouteDecision("router", "cheap", 2.5),
        RouteDecision("router", "fast", 0.5),
    ]
    assert ctx.cost_saved == 3.0


def test_repr_names_ids():
    assert "workflow_id='wf'" in repr(WorkflowContext("wf", "s"))


def test_children_share_the_run_s_route_decisions():
    parent = WorkflowContext("wf")
    parent.record_route("r", "a", 1.0)
    first, second = parent.child(branch=0), parent.child(branch=1)
    second.record_route("r", "b", 2.0)
    second.child().record_route("r", "c", 0.5)
    assert parent.route_decisions == [
        RouteDecision("r", "a", 1.0),
        RouteDecision("r", "b", 2.0),
        RouteDecision("r", "c", 0.5),
    ]
    assert parent.cost_saved == first.cost_saved == 3.5
    assert parent.branches == {}
