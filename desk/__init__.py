"""The agents' web desk (issue 16): a small Starlette app on 127.0.0.1 where call-center agents
and supervisors sign in, watch the queue live, take tickets and work them, and help by phone.

It works on the bank core only (`bank.assist_desk`, `bank.assist_phone`, the desk accounts and
sessions of `bank.assist`); what the customer must see (an agent joined, a reply, the assistant
is back) goes to their chat as the bank's chat notices, which the bot delivers. docs/assist.md,
"The web desk".
"""
