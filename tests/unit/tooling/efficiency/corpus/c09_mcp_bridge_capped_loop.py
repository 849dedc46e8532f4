# Source: Shubhamsaboo/awesome-llm-apps,
# mcp_ai_agents/openai_remote_mcp_bridge/openai_remote_mcp_bridge.py (Apache-2.0).
# Excerpt, shortened: a tool loop capped by max_tool_calls, a request dict without a limit.
from typing import Any

from openai import AsyncOpenAI


async def run_task(task, session, openai_tools, model, api_key, max_tool_calls: int):
    messages: list[dict[str, Any]] = [{"role": "user", "content": task}]
    requested_calls = 0
    async with AsyncOpenAI(api_key=api_key) as client:
        while True:
            request: dict[str, Any] = {"model": model, "messages": messages}
            if requested_calls < max_tool_calls:
                request.update(tools=openai_tools, tool_choice="auto")
            response = await client.chat.completions.create(**request)  # expect: EFF006
            message = response.choices[0].message
            messages.append(message.model_dump(exclude_none=True))
            tool_calls = message.tool_calls or []
            if not tool_calls:
                return message.content
            for tool_call in tool_calls:
                requested_calls += 1
                result = await session.call_tool(tool_call.function.name, {})
                messages.append(
                    {"role": "tool", "tool_call_id": tool_call.id, "content": str(result)}
                )
