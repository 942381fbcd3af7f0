/** Event kinds a Subtask handles (EventCalendar kinds; the argument's meaning is per kind). */
/** The run in service finished (arg unused). */
export const EV_FINISH = 0;
/** A network buffer arrived (arg: the buffer's id in the job's BufferPool). */
export const EV_BUFFER = 1;
/** Credit came back from a receiver (arg: subpartition × CREDIT_RADIX + credits). */
export const EV_CREDIT = 2;
/** The output flusher's timer (arg unused). */
export const EV_FLUSH = 3;
/** A source's next quantum is readable (arg unused). */
export const EV_WAKE = 4;
/** A source's periodic watermark tick (arg unused). */
export const EV_WATERMARK = 5;
