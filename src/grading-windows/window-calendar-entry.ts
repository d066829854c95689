/**
 * One line of the window calendar file (`gradingWindows.calendarFile`): when IC's grading window
 * for a grading task and term opens and closes at one school. Used only for line items whose IC
 * flag is absent.
 */
export interface WindowCalendarEntry {
  /** File line, for messages. */
  line: number;
  /** The school's IC sourcedId or its `identifier`. */
  school: string;
  taskId: number;
  /** IC term sourcedId. */
  term: string;
  opensAt: Date;
  /** Exclusive: the window is closed from this instant on. */
  closesAt: Date;
}
