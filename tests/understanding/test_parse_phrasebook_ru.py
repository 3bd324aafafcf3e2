"""Phrasebook of Russian requests: message → the frame the rules read (SPEC §1–§3).

The clock is pinned at 2026-11-24T14:00:00+03:00 in Europe/Moscow; times are wall-clock times there. Only the keys
listed are checked; a listed key with no value is checked to be empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.understanding import parse

TZ = ZoneInfo("Europe/Moscow")
NOW = datetime.fromisoformat("2026-11-24T14:00:00+03:00")
TIMES = ("start", "end", "range_start", "range_end")


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


REQUESTS: list[tuple[str, dict[str, Any]]] = [
    (
        "Запланируй встречу с Андреем в среду в 15:00",
        {
            "intent": "create_event",
            "title": "Встреча с Андреем",
            "start": "2026-11-25 15:00",
            "end": "2026-11-25 16:00",
            "attendees": ["Андрей"],
        },
    ),
    (
        "Создай встречу с бухгалтером на пятницу в 11 утра",
        {
            "intent": "create_event",
            "title": "Встреча с бухгалтером",
            "start": "2026-11-27 11:00",
            "end": "2026-11-27 12:00",
        },
    ),
    (
        "Добавь в календарь тренировку завтра в 7 утра",
        {
            "intent": "create_event",
            "title": "Тренировка",
            "start": "2026-11-25 07:00",
            "end": "2026-11-25 08:00",
        },
    ),
    (
        "Поставь созвон с командой послезавтра в 10:30",
        {
            "intent": "create_event",
            "title": "Созвон с командой",
            "start": "2026-11-26 10:30",
            "end": "2026-11-26 11:30",
        },
    ),
    (
        "Назначь совещание на понедельник в 9",
        {
            "intent": "create_event",
            "title": "Совещание",
            "start": "2026-11-30 09:00",
            "end": "2026-11-30 10:00",
        },
    ),
    (
        "Внеси в календарь день рождения Маши 12 декабря на весь день",
        {
            "intent": "create_event",
            "title": "День рождения Маши",
            "start": "2026-12-12 00:00",
            "end": "2026-12-13 00:00",
            "all_day": True,
        },
    ),
    (
        "Запиши меня к парикмахеру на субботу в 12",
        {
            "intent": "create_event",
            "title": "Парикмахер",
            "start": "2026-11-28 12:00",
            "end": "2026-11-28 13:00",
        },
    ),
    (
        "Забронируй переговорку на четверг с 14 до 16",
        {
            "intent": "create_event",
            "title": "Переговорку",
            "start": "2026-11-26 14:00",
            "end": "2026-11-26 16:00",
        },
    ),
    (
        "Запланируй обед с Ольгой в пятницу в час дня",
        {
            "intent": "create_event",
            "title": "Обед с Ольгой",
            "start": "2026-11-27 13:00",
            "end": "2026-11-27 14:00",
            "attendees": ["Ольга"],
        },
    ),
    (
        "Поставь пробежку каждое утро в 7",
        {
            "intent": "create_event",
            "title": "Пробежка",
            "recurrence": "FREQ=DAILY",
            "start": "2026-11-25 07:00",
            "end": "2026-11-25 08:00",
        },
    ),
    (
        "Добавь бассейн по вторникам и четвергам в 8 вечера",
        {
            "intent": "create_event",
            "title": "Бассейн",
            "recurrence": "FREQ=WEEKLY;BYDAY=TU,TH",
            "start": "2026-11-24 20:00",
            "end": "2026-11-24 21:00",
        },
    ),
    (
        "Поставь урок гитары каждую субботу в 11",
        {
            "intent": "create_event",
            "title": "Урок гитары",
            "recurrence": "FREQ=WEEKLY;BYDAY=SA",
            "start": "2026-11-28 11:00",
            "end": "2026-11-28 12:00",
        },
    ),
    (
        "Создай планёрку по будням в 9:30",
        {
            "intent": "create_event",
            "title": "Планёрка",
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "start": "2026-11-25 09:30",
            "end": "2026-11-25 10:30",
        },
    ),
    (
        "Запланируй отчёт каждый месяц 1-го числа в 10",
        {
            "intent": "create_event",
            "title": "Отчёт",
            "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1",
            "start": "2026-12-01 10:00",
            "end": "2026-12-01 11:00",
        },
    ),
    (
        "Поставь созвон через 2 часа",
        {
            "intent": "create_event",
            "title": "Созвон",
            "start": "2026-11-24 16:00",
            "end": "2026-11-24 17:00",
        },
    ),
    (
        "Поставь встречу через полчаса",
        {
            "intent": "create_event",
            "title": "Встреча",
            "start": "2026-11-24 14:30",
            "end": "2026-11-24 15:30",
        },
    ),
    (
        "Созвон с Иваном завтра в 3",
        {
            "intent": "create_event",
            "title": "Созвон с Иваном",
            "start": "2026-11-25 15:00",
            "end": "2026-11-25 16:00",
            "attendees": ["Иван"],
        },
    ),
    (
        "Ужин с родителями в воскресенье в 18:00",
        {
            "intent": "create_event",
            "title": "Ужин с родителями",
            "start": "2026-11-29 18:00",
            "end": "2026-11-29 19:00",
        },
    ),
    (
        "Кино с друзьями в субботу вечером",
        {
            "intent": "create_event",
            "title": "Кино с друзьями",
            "start": "2026-11-28 19:00",
            "end": "2026-11-28 20:00",
        },
    ),
    (
        "Тренировка завтра утром",
        {
            "intent": "create_event",
            "title": "Тренировка",
            "start": "2026-11-25 09:00",
            "end": "2026-11-25 10:00",
        },
    ),
    (
        "Встреча с клиентом 10 декабря с 15 до 17",
        {
            "intent": "create_event",
            "title": "Встреча с клиентом",
            "start": "2026-12-10 15:00",
            "end": "2026-12-10 17:00",
        },
    ),
    (
        "Поставь встречу в офисе в четверг в 10",
        {
            "intent": "create_event",
            "title": "Встреча",
            "location": "офисе",
            "start": "2026-11-26 10:00",
            "end": "2026-11-26 11:00",
        },
    ),
    (
        "Запланируй встречу с Петром и Анной в пятницу в 16:30",
        {
            "intent": "create_event",
            "title": "Встреча с Петром и Анной",
            "start": "2026-11-27 16:30",
            "end": "2026-11-27 17:30",
            "attendees": ["Пётр", "Анна"],
        },
    ),
    (
        "Поставь встречу",
        {"intent": "create_event", "title": "Встреча", "missing": ["date", "time"]},
    ),
    (
        "Добавь тренировку на завтра",
        {"intent": "create_event", "title": "Тренировка", "day": "2026-11-25", "missing": ["time"]},
    ),
    (
        "Создай событие на 15:00",
        {
            "intent": "create_event",
            "start": "2026-11-24 15:00",
            "end": "2026-11-24 16:00",
            "missing": ["title"],
        },
    ),
    (
        "Запланируй звонок на 31 февраля",
        {"intent": "create_event", "title": "Звонок", "missing": ["date", "time"]},
    ),
    (
        "Напомни купить хлеб",
        {"intent": "create_reminder", "title": "Купить хлеб", "missing": ["date", "time"]},
    ),
    (
        "Напомни завтра утром позвонить в банк",
        {"intent": "create_reminder", "title": "Позвонить в банк", "start": "2026-11-25 09:00"},
    ),
    (
        "Напомни в пятницу в 6 вечера забрать посылку",
        {"intent": "create_reminder", "title": "Забрать посылку", "start": "2026-11-27 18:00"},
    ),
    (
        "Напомни через 40 минут проверить духовку",
        {"intent": "create_reminder", "title": "Проверить духовку", "start": "2026-11-24 14:40"},
    ),
    (
        "Напомни мне через час выйти из дома",
        {"intent": "create_reminder", "title": "Выйти из дома", "start": "2026-11-24 15:00"},
    ),
    (
        "Напомни за 10 минут до созвона с командой",
        {
            "intent": "create_reminder",
            "reminder_minutes_before": 10,
            "target": {"title": "Созвон с командой"},
        },
    ),
    (
        "Напомни за день до дня рождения мамы",
        {
            "intent": "create_reminder",
            "reminder_minutes_before": 1440,
            "target": {"title": "День рождения мамы"},
        },
    ),
    (
        "Напомни о созвоне с клиентом завтра в 9",
        {"intent": "create_reminder", "title": "Созвон с клиентом", "start": "2026-11-25 09:00"},
    ),
    (
        "Что у меня сегодня?",
        {
            "intent": "list_events",
            "range_start": "2026-11-24 00:00",
            "range_end": "2026-11-25 00:00",
        },
    ),
    (
        "Что у меня в пятницу?",
        {
            "intent": "list_events",
            "range_start": "2026-11-27 00:00",
            "range_end": "2026-11-28 00:00",
        },
    ),
    (
        "Какие встречи на следующей неделе?",
        {
            "intent": "list_events",
            "range_start": "2026-11-30 00:00",
            "range_end": "2026-12-07 00:00",
        },
    ),
    (
        "Покажи календарь на завтра",
        {
            "intent": "list_events",
            "range_start": "2026-11-25 00:00",
            "range_end": "2026-11-26 00:00",
        },
    ),
    (
        "Покажи мои встречи на эту неделю",
        {
            "intent": "list_events",
            "range_start": "2026-11-23 00:00",
            "range_end": "2026-11-30 00:00",
        },
    ),
    (
        "Что запланировано на выходные?",
        {
            "intent": "list_events",
            "range_start": "2026-11-28 00:00",
            "range_end": "2026-11-30 00:00",
        },
    ),
    (
        "Какие у меня дела на 5 декабря?",
        {
            "intent": "list_events",
            "range_start": "2026-12-05 00:00",
            "range_end": "2026-12-06 00:00",
        },
    ),
    (
        "Что у меня в понедельник утром?",
        {
            "intent": "list_events",
            "range_start": "2026-11-30 06:00",
            "range_end": "2026-11-30 12:00",
        },
    ),
    (
        "Покажи события в январе",
        {
            "intent": "list_events",
            "range_start": "2027-01-01 00:00",
            "range_end": "2027-02-01 00:00",
        },
    ),
    (
        "Какие встречи были вчера?",
        {
            "intent": "list_events",
            "range_start": "2026-11-23 00:00",
            "range_end": "2026-11-24 00:00",
        },
    ),
    (
        "Когда я свободен в четверг?",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-26 00:00",
            "range_end": "2026-11-27 00:00",
        },
    ),
    (
        "Найди свободное время завтра",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-25 00:00",
            "range_end": "2026-11-26 00:00",
        },
    ),
    (
        "Есть ли свободный час в пятницу?",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-27 00:00",
            "range_end": "2026-11-28 00:00",
            "duration_minutes": 60,
        },
    ),
    (
        "Найди окно на 30 минут в понедельник",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-30 00:00",
            "range_end": "2026-12-01 00:00",
            "duration_minutes": 30,
        },
    ),
    (
        "Подбери время на 2 часа на этой неделе",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-23 00:00",
            "range_end": "2026-11-30 00:00",
            "duration_minutes": 120,
        },
    ),
    (
        "Свободен ли я завтра с 14 до 16?",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-25 14:00",
            "range_end": "2026-11-25 16:00",
        },
    ),
    (
        "Найди свободный слот в среду после обеда",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-25 14:00",
            "range_end": "2026-11-26 00:00",
        },
    ),
    (
        "Перенеси встречу с Андреем на пятницу в 12",
        {
            "intent": "update_event",
            "target": {"title": "Встреча с Андреем"},
            "changes": {"start": "2026-11-27 12:00"},
        },
    ),
    (
        "Перенеси созвон на завтра",
        {"intent": "update_event", "day": "2026-11-25", "target": {"title": "Созвон"}},
    ),
    (
        "Перенеси тренировку с 7 на 8 утра",
        {
            "intent": "update_event",
            "target": {"title": "Тренировка", "start": "2026-11-25 07:00"},
            "changes": {"start": "2026-11-25 08:00"},
        },
    ),
    (
        "Перенеси совещание с понедельника на вторник в 10",
        {
            "intent": "update_event",
            "target": {
                "title": "Совещание",
                "range_start": "2026-11-30 00:00",
                "range_end": "2026-12-01 00:00",
            },
            "changes": {"start": "2026-12-01 10:00"},
        },
    ),
    (
        "Передвинь ужин на 20:00",
        {
            "intent": "update_event",
            "target": {"title": "Ужин"},
            "changes": {"start": "2026-11-24 20:00"},
        },
    ),
    (
        "Измени время встречи с Петром на 15:30",
        {
            "intent": "update_event",
            "target": {"title": "Встреча с Петром"},
            "changes": {"start": "2026-11-24 15:30"},
        },
    ),
    (
        "Продли совещание до 18:00",
        {
            "intent": "update_event",
            "target": {"title": "Совещание"},
            "changes": {"end": "2026-11-24 18:00"},
        },
    ),
    (
        "Переименуй тренировку в «Йога»",
        {"intent": "update_event", "target": {"title": "Тренировка"}, "changes": {"title": "Йога"}},
    ),
    (
        "Удали встречу с Андреем",
        {"intent": "delete_event", "target": {"title": "Встреча с Андреем"}},
    ),
    (
        "Удали тренировку завтра",
        {
            "intent": "delete_event",
            "target": {
                "title": "Тренировка",
                "range_start": "2026-11-25 00:00",
                "range_end": "2026-11-26 00:00",
            },
        },
    ),
    (
        "Отмени созвон в пятницу",
        {
            "intent": "delete_event",
            "target": {
                "title": "Созвон",
                "range_start": "2026-11-27 00:00",
                "range_end": "2026-11-28 00:00",
            },
        },
    ),
    (
        "Убери встречу в 15:00 сегодня",
        {"intent": "delete_event", "target": {"start": "2026-11-24 15:00"}},
    ),
    (
        "Удали все встречи на сегодня",
        {
            "intent": "delete_event",
            "range_start": "2026-11-24 00:00",
            "range_end": "2026-11-25 00:00",
        },
    ),
    (
        "Очисти календарь на пятницу",
        {
            "intent": "delete_event",
            "range_start": "2026-11-27 00:00",
            "range_end": "2026-11-28 00:00",
        },
    ),
    (
        "Отмени все события на выходных",
        {
            "intent": "delete_event",
            "range_start": "2026-11-28 00:00",
            "range_end": "2026-11-30 00:00",
        },
    ),
    (
        "Когда у меня встреча с Андреем?",
        {"intent": "search_events", "target": {"title": "Встреча с Андреем"}},
    ),
    (
        "Когда следующий созвон с командой?",
        {"intent": "search_events", "target": {"title": "Созвон с командой"}},
    ),
    (
        "Найди встречу с бухгалтером",
        {"intent": "search_events", "target": {"title": "Встречу с бухгалтером"}},
    ),
    (
        "Когда день рождения Маши?",
        {"intent": "search_events", "target": {"title": "День рождения Маши"}},
    ),
    (
        "Во сколько завтра совещание?",
        {
            "intent": "search_events",
            "target": {
                "title": "Совещание",
                "range_start": "2026-11-25 00:00",
                "range_end": "2026-11-26 00:00",
            },
        },
    ),
    ("Отмена", {"intent": "cancel"}),
    ("Не надо", {"intent": "cancel"}),
    ("Стоп", {"intent": "cancel"}),
    ("Отбой", {"intent": "cancel"}),
    ("Забудь об этом", {"intent": "cancel"}),
    ("Что ты умеешь?", {"intent": "help"}),
    ("Помоги", {"intent": "help"}),
    ("Как тобой пользоваться?", {"intent": "help"}),
    ("Отмени последнее", {"intent": "undo"}),
    ("Верни как было", {"intent": "undo"}),
    ("Отмени последнее изменение", {"intent": "undo"}),
    ("Какая сегодня погода?", {"intent": "unknown"}),
    ("Привет, как дела?", {"intent": "unknown"}),
    ("Спасибо!", {"intent": "unknown"}),
    ("Кто выиграл матч?", {"intent": "unknown"}),
    (
        "Запланируй звонок с Андреем в среду в 15:00",
        {
            "intent": "create_event",
            "title": "Звонок с Андреем",
            "start": "2026-11-25 15:00",
            "end": "2026-11-25 16:00",
            "attendees": ["Андрей"],
        },
    ),
    (
        "Поставь встречу с командой на четверг с 14 до 15:30",
        {
            "intent": "create_event",
            "title": "Встреча с командой",
            "start": "2026-11-26 14:00",
            "end": "2026-11-26 15:30",
        },
    ),
    (
        "Создай событие «День рождения мамы» 12 декабря на весь день",
        {
            "intent": "create_event",
            "title": "День рождения мамы",
            "start": "2026-12-12 00:00",
            "end": "2026-12-13 00:00",
            "all_day": True,
        },
    ),
    (
        "Добавь тренировку каждый понедельник и среду в 7 утра",
        {
            "intent": "create_event",
            "title": "Тренировка",
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,WE",
            "start": "2026-11-25 07:00",
            "end": "2026-11-25 08:00",
        },
    ),
    (
        "Напомни мне завтра в 8 утра про встречу с врачом",
        {"intent": "create_reminder", "title": "Встреча с врачом", "start": "2026-11-25 08:00"},
    ),
    (
        "Напомни через 10 минут выпить таблетки",
        {"intent": "create_reminder", "title": "Выпить таблетки", "start": "2026-11-24 14:10"},
    ),
    (
        "Напомни о встрече с Петром в пятницу в 9",
        {"intent": "create_reminder", "title": "Встреча с Петром", "start": "2026-11-27 09:00"},
    ),
    (
        "Что у меня послезавтра?",
        {
            "intent": "list_events",
            "range_start": "2026-11-26 00:00",
            "range_end": "2026-11-27 00:00",
        },
    ),
    (
        "Покажи события на завтра",
        {
            "intent": "list_events",
            "range_start": "2026-11-25 00:00",
            "range_end": "2026-11-26 00:00",
        },
    ),
    (
        "Что запланировано на 1 декабря?",
        {
            "intent": "list_events",
            "range_start": "2026-12-01 00:00",
            "range_end": "2026-12-02 00:00",
        },
    ),
    (
        "Какие встречи у меня в четверг?",
        {
            "intent": "list_events",
            "range_start": "2026-11-26 00:00",
            "range_end": "2026-11-27 00:00",
        },
    ),
    (
        "Есть свободное окно в пятницу после обеда?",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-27 14:00",
            "range_end": "2026-11-28 00:00",
        },
    ),
    (
        "Найди свободные полчаса сегодня вечером",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-24 18:00",
            "range_end": "2026-11-25 00:00",
            "duration_minutes": 30,
        },
    ),
    (
        "Когда я свободен на этой неделе?",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-23 00:00",
            "range_end": "2026-11-30 00:00",
        },
    ),
    (
        "Перенеси встречу с Андреем на 16:00",
        {
            "intent": "update_event",
            "target": {"title": "Встреча с Андреем"},
            "changes": {"start": "2026-11-24 16:00"},
        },
    ),
    (
        "Перенеси звонок с четверга на понедельник",
        {
            "intent": "update_event",
            "day": "2026-11-30",
            "target": {
                "title": "Звонок",
                "range_start": "2026-11-26 00:00",
                "range_end": "2026-11-27 00:00",
            },
        },
    ),
    (
        "Сдвинь планёрку на час позже",
        {"intent": "update_event", "target": {"title": "Планёрка"}, "missing": ["time"]},
    ),
    (
        "Отмени все встречи в пятницу",
        {
            "intent": "delete_event",
            "range_start": "2026-11-27 00:00",
            "range_end": "2026-11-28 00:00",
        },
    ),
    (
        "Удали все события на следующей неделе",
        {
            "intent": "delete_event",
            "range_start": "2026-11-30 00:00",
            "range_end": "2026-12-07 00:00",
        },
    ),
    ("Когда следующая тренировка?", {"intent": "search_events", "target": {"title": "Тренировка"}}),
    (
        "Во сколько у меня встреча с Петром?",
        {"intent": "search_events", "target": {"title": "Встреча с Петром"}},
    ),
    ("Отменить", {"intent": "cancel"}),
    ("Забудь", {"intent": "cancel"}),
    ("Что ты можешь?", {"intent": "help"}),
    ("Помощь", {"intent": "help"}),
    ("Отмени последнее действие", {"intent": "undo"}),
    (
        "Поставь встречу в переговорке завтра в 11",
        {
            "intent": "create_event",
            "title": "Встреча",
            "location": "переговорке",
            "start": "2026-11-25 11:00",
            "end": "2026-11-25 12:00",
        },
    ),
    (
        "Встреча с Иваном и Марией в четверг в 12",
        {
            "intent": "create_event",
            "title": "Встреча с Иваном и Марией",
            "start": "2026-11-26 12:00",
            "end": "2026-11-26 13:00",
            "attendees": ["Иван", "Мария"],
        },
    ),
    (
        "Обед в кафе в пятницу в 13:30",
        {
            "intent": "create_event",
            "title": "Обед в кафе",
            "start": "2026-11-27 13:30",
            "end": "2026-11-27 14:30",
        },
    ),
    (
        "Поставь созвон на 25-е в 10",
        {
            "intent": "create_event",
            "title": "Созвон",
            "start": "2026-11-25 10:00",
            "end": "2026-11-25 11:00",
        },
    ),
    (
        "Запиши к стоматологу на 3 декабря в 9:30",
        {
            "intent": "create_event",
            "title": "Стоматолог",
            "start": "2026-12-03 09:30",
            "end": "2026-12-03 10:30",
        },
    ),
    (
        "Игра в теннис в субботу в 10 утра на 2 часа",
        {
            "intent": "create_event",
            "title": "Игра в теннис",
            "start": "2026-11-28 10:00",
            "end": "2026-11-28 12:00",
        },
    ),
    (
        "Ужин с женой сегодня в 7 вечера",
        {
            "intent": "create_event",
            "title": "Ужин с женой",
            "start": "2026-11-24 19:00",
            "end": "2026-11-24 20:00",
        },
    ),
    (
        "Запланируй созвон через час",
        {
            "intent": "create_event",
            "title": "Созвон",
            "start": "2026-11-24 15:00",
            "end": "2026-11-24 16:00",
        },
    ),
    (
        "Созвон с клиентом завтра с 9 до 10",
        {
            "intent": "create_event",
            "title": "Созвон с клиентом",
            "start": "2026-11-25 09:00",
            "end": "2026-11-25 10:00",
        },
    ),
    (
        "Встреча с инвестором 5 декабря в полдень",
        {
            "intent": "create_event",
            "title": "Встреча с инвестором",
            "start": "2026-12-05 12:00",
            "end": "2026-12-05 13:00",
        },
    ),
    (
        "Поставь планёрку каждый будний день в 9:30",
        {
            "intent": "create_event",
            "title": "Планёрка",
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "start": "2026-11-25 09:30",
            "end": "2026-11-25 10:30",
        },
    ),
    (
        "По пятницам в 18 пятничный созвон",
        {
            "intent": "create_event",
            "title": "Пятничный созвон",
            "recurrence": "FREQ=WEEKLY;BYDAY=FR",
            "start": "2026-11-27 18:00",
            "end": "2026-11-27 19:00",
        },
    ),
    (
        "Ежедневно в 9 утра стендап",
        {
            "intent": "create_event",
            "title": "Стендап",
            "recurrence": "FREQ=DAILY",
            "start": "2026-11-25 09:00",
            "end": "2026-11-25 10:00",
        },
    ),
    (
        "Раз в неделю по средам в 19 бадминтон",
        {
            "intent": "create_event",
            "title": "Бадминтон",
            "recurrence": "FREQ=WEEKLY;BYDAY=WE",
            "start": "2026-11-25 19:00",
            "end": "2026-11-25 20:00",
        },
    ),
    (
        "Переименуй созвон с клиентом в «Встреча с клиентом»",
        {
            "intent": "update_event",
            "target": {"title": "Созвон с клиентом"},
            "changes": {"title": "Встреча с клиентом"},
        },
    ),
    (
        "Продли встречу с командой до 17:00",
        {
            "intent": "update_event",
            "target": {"title": "Встреча с командой"},
            "changes": {"end": "2026-11-24 17:00"},
        },
    ),
    (
        "Запланируй отпуск с 20 по 30 декабря",
        {
            "intent": "create_event",
            "title": "Отпуск",
            "start": "2026-12-20 00:00",
            "end": "2026-12-31 00:00",
            "all_day": True,
        },
    ),
    (
        "Поставь встречу на 31 февраля в 10",
        {"intent": "create_event", "title": "Встреча", "missing": ["date", "time"]},
    ),
    ("Какая погода в Москве?", {"intent": "unknown"}),
    ("Расскажи анекдот", {"intent": "unknown"}),
    ("привет", {"intent": "unknown"}),
    (
        "Поставь встречу с Петром в понедельник",
        {
            "intent": "create_event",
            "title": "Встреча с Петром",
            "day": "2026-11-30",
            "attendees": ["Пётр"],
            "missing": ["time"],
        },
    ),
    (
        "напомни позвонить бабушке",
        {"intent": "create_reminder", "title": "Позвонить бабушке", "missing": ["date", "time"]},
    ),
    ("Удали встречу в 15:00", {"intent": "delete_event", "target": {"start": "2026-11-24 15:00"}}),
    (
        "Перенеси все встречи с понедельника на вторник",
        {
            "intent": "update_event",
            "day": "2026-12-01",
            "target": {"range_start": "2026-11-30 00:00", "range_end": "2026-12-01 00:00"},
        },
    ),
    (
        "Запланируй встречу с партнёрами на следующей неделе в среду в 11",
        {
            "intent": "create_event",
            "title": "Встреча с партнёрами",
            "start": "2026-12-02 11:00",
            "end": "2026-12-02 12:00",
        },
    ),
    (
        "Поставь обед с коллегами в четверг в час дня",
        {
            "intent": "create_event",
            "title": "Обед с коллегами",
            "start": "2026-11-26 13:00",
            "end": "2026-11-26 14:00",
        },
    ),
    (
        "Поставь пробежку завтра в шесть утра",
        {
            "intent": "create_event",
            "title": "Пробежка",
            "start": "2026-11-25 06:00",
            "end": "2026-11-25 07:00",
        },
    ),
    (
        "Напомни в 21:00 полить цветы",
        {"intent": "create_reminder", "title": "Полить цветы", "start": "2026-11-24 21:00"},
    ),
    (
        "Поставь встречу на полдесятого завтра",
        {
            "intent": "create_event",
            "title": "Встреча",
            "start": "2026-11-25 09:30",
            "end": "2026-11-25 10:30",
        },
    ),
    (
        "Запланируй созвон в 10 вечера",
        {
            "intent": "create_event",
            "title": "Созвон",
            "start": "2026-11-24 22:00",
            "end": "2026-11-24 23:00",
        },
    ),
    (
        "Встреча с Ольгой в 12 ночи",
        {
            "intent": "create_event",
            "title": "Встреча с Ольгой",
            "start": "2026-11-25 00:00",
            "end": "2026-11-25 01:00",
            "attendees": ["Ольга"],
        },
    ),
    (
        "Поставь ужин на двадцать пятое ноября в 19:00",
        {
            "intent": "create_event",
            "title": "Ужин",
            "start": "2026-11-25 19:00",
            "end": "2026-11-25 20:00",
        },
    ),
    (
        "Поставь на 7 января в 10 утра поход к врачу",
        {
            "intent": "create_event",
            "title": "Поход к врачу",
            "start": "2027-01-07 10:00",
            "end": "2027-01-07 11:00",
        },
    ),
    (
        "Встреча по проекту в пятницу в 16:00 на час",
        {
            "intent": "create_event",
            "title": "Встреча по проекту",
            "start": "2026-11-27 16:00",
            "end": "2026-11-27 17:00",
        },
    ),
    (
        "Найди свободный слот на час завтра",
        {
            "intent": "find_free_slots",
            "range_start": "2026-11-25 00:00",
            "range_end": "2026-11-26 00:00",
            "duration_minutes": 60,
        },
    ),
    (
        "Какие встречи у меня в декабре?",
        {
            "intent": "list_events",
            "range_start": "2026-12-01 00:00",
            "range_end": "2027-01-01 00:00",
        },
    ),
    (
        "Что у меня на следующей неделе во вторник?",
        {
            "intent": "list_events",
            "range_start": "2026-12-01 00:00",
            "range_end": "2026-12-02 00:00",
        },
    ),
]


@pytest.mark.parametrize(("text", "expected"), REQUESTS, ids=[r[0] for r in REQUESTS])
def test_request(text: str, expected: dict[str, Any]) -> None:
    command = parse(text, now=NOW, tz=TZ, lang="ru")
    assert command.lang == "ru"
    assert command.intent.value == expected["intent"]
    for key in ("title", "location", "recurrence", "duration_minutes", "reminder_minutes_before"):
        assert getattr(command, key) == expected.get(key), key
    for key in TIMES:
        value = getattr(command, key)
        assert value == (_local(expected[key]) if key in expected else None), key
    assert command.all_day == expected.get("all_day", False)
    assert (command.day.isoformat() if command.day else None) == expected.get("day")
    assert [m.value for m in command.missing] == expected.get("missing", [])
    if "attendees" in expected:
        assert list(command.attendees) == expected["attendees"]
    for part in ("target", "changes"):
        got = getattr(command, part)
        want = expected.get(part)
        if want is None:
            assert got is None, part
            continue
        assert got is not None, part
        for key, value in got.model_dump().items():
            wanted = want.get(key)
            if key in TIMES and wanted is not None:
                wanted = _local(wanted)
            assert value == wanted, f"{part}.{key}"
