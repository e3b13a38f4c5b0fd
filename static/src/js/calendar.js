// Lesson calendars (FullCalendar from npm): the student's week and month, the teacher's week with
// working hours and free time shaded, the manager's view of a teacher. The page gives the config
// (events URL, the viewer's zone and language, labels) in a json_script element; events come as
// wall-clock times of that zone (see tenant_apps/scheduling/calendar.py).
import { Calendar } from "@fullcalendar/core";
import enGbLocale from "@fullcalendar/core/locales/en-gb";
import ruLocale from "@fullcalendar/core/locales/ru";
import dayGridPlugin from "@fullcalendar/daygrid";
import interactionPlugin from "@fullcalendar/interaction";
import listPlugin from "@fullcalendar/list";
import timeGridPlugin from "@fullcalendar/timegrid";

const NARROW = "(max-width: 640px)";
const VIEW_LABELS = { timeGridWeek: "week", dayGridMonth: "month", timeGridDay: "day", listWeek: "list" };

function toolbar(config, narrow) {
  const views = narrow ? [config.narrowView, "timeGridDay"].filter((v, i, all) => all.indexOf(v) === i) : config.views;
  return narrow
    ? { headerToolbar: { left: "prev,next", center: "title", right: "today" }, footerToolbar: { center: views.join(",") } }
    : { headerToolbar: { left: "prev,next today", center: "title", right: views.join(",") }, footerToolbar: false };
}

function describe(info) {
  // Screen readers and tooltips hear who, when and what became of the lesson.
  const props = info.event.extendedProps;
  if (info.event.display === "background" || !props.status) return;
  const text = [info.event.title, info.timeText, props.statusLabel].filter(Boolean).join(" · ");
  info.el.setAttribute("title", text);
  // The status is read after the visible text (the accessible name keeps what is seen).
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.textContent = `, ${props.statusLabel}`;
  (info.el.querySelector(".fc-event-title, .fc-list-event-title a") || info.el).append(status);
  info.el.dataset.status = props.status;
  info.el.dataset.startUtc = props.startUtc;
}

function tidy(element) {
  // FullCalendar's arrow icons are role="img" without a name; their buttons carry the name (title).
  for (const icon of element.querySelectorAll(".fc-icon")) {
    icon.removeAttribute("role");
    icon.setAttribute("aria-hidden", "true");
  }
  for (const button of element.querySelectorAll(".fc-button[title]:not([aria-label])")) {
    if (!button.textContent.trim()) button.setAttribute("aria-label", button.title);
  }
}

const DAY_FROM = 7;
const DAY_UNTIL = 22;

function pad(hour) {
  return `${String(hour).padStart(2, "0")}:00:00`;
}

function fitHours(calendar, events) {
  // The time grid grows with the page (no inner scrolling): 07:00–22:00, widened to whatever
  // lesson or working hour of the shown period falls outside. Times are the zone's wall clock,
  // which FullCalendar keeps in the UTC fields of its dates (no zone plugin).
  let from = DAY_FROM;
  let until = DAY_UNTIL;
  for (const event of events) {
    if (!event.start) continue;
    const end = event.end || event.start;
    const sameDay = end.getUTCDate() === event.start.getUTCDate();
    from = Math.min(from, sameDay ? event.start.getUTCHours() : 0);
    until = Math.max(until, sameDay ? end.getUTCHours() + (end.getUTCMinutes() > 0 ? 1 : 0) : 24);
  }
  if (calendar.getOption("slotMinTime") !== pad(from)) calendar.setOption("slotMinTime", pad(from));
  if (calendar.getOption("slotMaxTime") !== pad(until)) calendar.setOption("slotMaxTime", pad(until));
}

function wallClockNow(zone) {
  // FullCalendar without a zone plugin reads "now" as UTC; the time grid holds the zone's wall clock,
  // so "now" is given as that wall clock too (the red line sits at the viewer's current time).
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  for (const part of format.formatToParts(new Date())) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

export function mountCalendar(element) {
  const config = JSON.parse(document.getElementById(element.dataset.calendarConfig).textContent);
  const labels = config.labels;
  const status = element.parentElement.querySelector("[data-calendar-status]");
  const media = window.matchMedia(NARROW);
  let narrow = media.matches;
  const buttonText = {};
  const views = {};
  for (const [view, label] of Object.entries(VIEW_LABELS)) views[view] = { buttonText: labels[label] };
  buttonText.today = labels.today;

  const calendar = new Calendar(element, {
    plugins: [dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin],
    locales: [enGbLocale, ruLocale],
    locale: config.locale === "ru" ? "ru" : "en-gb",
    timeZone: config.timeZone,
    now: () => wallClockNow(config.timeZone),
    initialView: narrow ? config.narrowView : config.initialView,
    ...(config.initialDate ? { initialDate: config.initialDate } : {}),
    ...toolbar(config, narrow),
    buttonText,
    views,
    firstDay: 1,
    allDaySlot: false,
    nowIndicator: true,
    slotDuration: "00:30:00",
    slotMinTime: pad(DAY_FROM),
    slotMaxTime: pad(DAY_UNTIL),
    contentHeight: "auto",
    eventsSet: (events) => fitHours(calendar, events),
    navLinks: true,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    noEventsText: labels.noEvents,
    events: {
      url: config.eventsUrl,
      failure: () => {
        status.textContent = labels.error;
      },
    },
    loading: (busy) => {
      element.setAttribute("aria-busy", busy ? "true" : "false");
      if (busy) status.textContent = labels.loading;
      else if (status.textContent === labels.loading) status.textContent = "";
    },
    eventDidMount: describe,
    datesSet: () => tidy(element),
    viewDidMount: () => tidy(element),
    windowResize: () => {
      // A phone turned sideways, a window made narrow: the list (or a day) fits, a week does not.
      if (media.matches === narrow) return;
      narrow = media.matches;
      const { headerToolbar, footerToolbar } = toolbar(config, narrow);
      calendar.setOption("headerToolbar", headerToolbar);
      calendar.setOption("footerToolbar", footerToolbar);
      calendar.changeView(narrow ? config.narrowView : config.initialView);
    },
  });
  calendar.render();
  tidy(element);
  element.dataset.ready = "true";
  element.calendar = calendar;
  return calendar;
}

for (const element of document.querySelectorAll("[data-calendar-config]")) mountCalendar(element);
