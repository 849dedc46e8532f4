# Source: Shubhamsaboo/awesome-llm-apps, mcp_ai_agents/multi_mcp_agent_router/agent_forge.py
# (Apache-2.0). Excerpt, shortened: a tool-use loop with no cap on its rounds.
import anthropic

client = anthropic.Anthropic()


async def run_agent(agent, messages, tools, session_map):
    response = client.messages.create(
        model="claude-sonnet-4-20250514",
        max_tokens=4096,
        system=agent.system_prompt,
        messages=messages,
        tools=tools,
    )
    while response.stop_reason == "tool_use":
        tool_results = []
        for tool_use in [b for b in response.content if b.type == "tool_use"]:
            result = await session_map[tool_use.name].call_tool(tool_use.name, tool_use.input)
            tool_results.append(
                {"type": "tool_result", "tool_use_id": tool_use.id, "content": str(result)}
            )
        messages.append({"role": "assistant", "content": response.content})
        messages.append({"role": "user", "content": tool_results})
        response = client.messages.create(  # expect: EFF004
            model="claude-sonnet-4-20250514",
            max_tokens=4096,
            system=agent.system_prompt,
            messages=messages,
            tools=tools,
        )
    return response
