"""Kinds MinkOps understands but does not act on yet: each leaves this list with its feature."""

from __future__ import annotations

from minkops.domain import intents as i
from minkops.domain.handlers.registry import unbuilt

unbuilt(
    # reminders
    i.CreateReminder,
    i.ListReminders,
    i.CancelReminder,
    i.PauseReminder,
    i.ResumeReminder,
    i.SetPreference,
    # privacy
    i.StopMessages,
    i.StartMessages,
    i.ExportData,
    i.DeleteData,
    i.DeleteAccount,
    # onboarding: a member is already signed up
    i.SignUp,
)
