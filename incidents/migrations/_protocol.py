"""The default response protocol (used by migration 0002 and after every migrate or flush)."""

import datetime


STEPS = [
    ("Contact the school or college leadership", "school", 2, None, None, 1, True,
     "Immediate contact with the leadership of schools and colleges the young people attend."),
    ("Partnership meeting", "partnership", 24, None, None, 1, False,
     "Partners agree the response, who leads each part, and what the community needs to hear."),
    ("Daily update meeting", "partnership", None, 1, datetime.time(10, 0), 5, False,
     "A short daily meeting of the partners for the first five days."),
    ("Community reassurance", "police", 48, None, None, 1, False,
     "Visible reassurance and messages agreed with the partnership."),
    ("Trauma-informed support offered to children affected", "local_authority", 72, None, None, 1, False,
     "Support offered to the children and young people affected, through their school or services."),
    ("Year-long prevention plan agreed", "partnership", None, 30, datetime.time(17, 0), 1, False,
     "A prevention plan for the school or place, avoiding one-off interventions."),
]


def create(apps, schema_editor) -> None:
    protocol_model = apps.get_model("incidents", "ResponseProtocol")
    step_model = apps.get_model("incidents", "ProtocolStep")
    protocol, created = protocol_model.objects.get_or_create(
        name="Serious youth violence response",
        defaults={"description": "Co-ordinated partnership response after a serious violence incident "
                                 "involving young people."})
    if not created:
        return
    for order, (title, owner, hours, days, at, repeat, first, description) in enumerate(STEPS, start=1):
        step_model.objects.create(protocol=protocol, order=order, title=title, owner_kind=owner,
                                  due_after_hours=hours, due_after_days=days, due_time=at, repeat=repeat,
                                  is_first_contact=first, description=description)
