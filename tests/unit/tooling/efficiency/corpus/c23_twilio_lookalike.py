# Source: TwilioDevEd/api-snippets, rest/messages/send-message/example-1.6.x.py (MIT).
# Rewritten to the same shape: Twilio's messages.create is an SMS, not a model call.
import os

from twilio.rest import Client

client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])


def notify(numbers):
    for number in numbers:
        message = client.messages.create(
            body="Your order has shipped",
            messaging_service_sid=os.environ["TWILIO_MESSAGING_SERVICE"],
            to=number,
        )
        print(message.sid)
