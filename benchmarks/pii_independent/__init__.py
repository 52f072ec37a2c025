"""The independent labelled PII evaluation set (issue #9 item 7); see README.md here."""
