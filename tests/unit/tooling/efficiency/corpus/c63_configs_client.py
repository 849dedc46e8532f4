# Source: mistralai/cookbook, mistral/agents/agents_api/food_diet_companion/tools/configs.py
# (MIT). The client the tools import (c64_tool_imported_client.py).
import os

from mistralai.client import Mistral

mistral_model = "mistral-large-latest"
goals_set: dict = {}
food_logs: list = []

client = Mistral(api_key=os.environ.get("MISTRAL_API_KEY"))
