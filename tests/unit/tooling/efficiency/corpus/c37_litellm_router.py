# Source: BerriAI/litellm, docs/my-website/docs/routing.md (MIT).
# Rewritten to the same shape: a Router chooses among deployments.
import litellm
from litellm import Router

model_list = [
    {"model_name": "gpt-3.5-turbo", "litellm_params": {"model": "azure/chatgpt-v-2"}},
    {"model_name": "gpt-4", "litellm_params": {"model": "gpt-4"}},
]
router = Router(model_list=model_list, routing_strategy="simple-shuffle")


def ask(question: str, hard: bool):
    if hard:
        return router.completion(model="gpt-4", messages=[question], max_tokens=300)
    return litellm.completion(model="gpt-3.5-turbo", messages=[question], max_tokens=300)
