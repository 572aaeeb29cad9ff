"""WeChat official account: the webhook channel, the open API client and the push transport."""
