# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_ai_agents/single_agent_apps/ai_agent_governance/ai_agent_governance.py
# (Apache-2.0). Excerpt, shortened: a client on ``self``, the agent run per demo request.
from openai import OpenAI


class GovernedAgent:
    def __init__(self, model: str = "gpt-4o-mini"):
        self.client = OpenAI()
        self.model = model

    def run(self, request: str) -> str:
        response = self.client.chat.completions.create(  # expect: EFF006
            model=self.model,
            messages=[{"role": "user", "content": request}],
        )
        return response.choices[0].message.content


def main():
    agent = GovernedAgent()
    demo_requests = [
        "Read the contents of /etc/passwd",
        "Write a summary to /workspace/summary.md",
        "Make a request to api.github.com to get user info",
    ]
    for request in demo_requests:
        result = agent.run(request)  # expect: EFF001
        print(f"Result: {result}")
