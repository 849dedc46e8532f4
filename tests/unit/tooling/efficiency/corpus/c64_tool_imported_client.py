# Source: mistralai/cookbook,
# mistral/agents/agents_api/food_diet_companion/tools/daily_progress_tool.py (MIT).
# The client is imported from the tools' configuration module (c63_configs_client.py).
from c63_configs_client import client, food_logs, goals_set, mistral_model


def get_daily_progress(user_query: str) -> str:
    prompt = f"""Goals: {goals_set}
    Food logged today: {food_logs}
    User Query: {user_query}
    """
    response = client.chat.complete(  # expect: EFF006
        model=mistral_model,
        messages=[{"role": "user", "content": prompt}],
    )
    return response.choices[0].message.content
