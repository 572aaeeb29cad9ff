"""就业助手: a career-services chatbot for WeChat and Feishu."""
