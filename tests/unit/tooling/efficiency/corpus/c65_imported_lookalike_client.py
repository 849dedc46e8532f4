# Source: mistralai/cookbook,
# mistral/agents/agents_api/food_diet_companion/tools/food_logging_tool.py (MIT). Rewritten: a name imported from a scanned module that is
# not a model client (a list) is not traced to one; its append() is no LLM call.
from c63_configs_client import food_logs


def log_food(item: str) -> str:
    food_logs.append(item)
    return f"Logged {item}"
