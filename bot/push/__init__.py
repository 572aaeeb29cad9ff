"""The push side: jobs and fairs, subscriptions, matching, planning and delivery."""
