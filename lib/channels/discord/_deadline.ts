/**
 * The deadline the platform clients share (lib/deadline.ts), under the name they import.
 *
 * @module
 */
export { type Deadline, startDeadline } from "../../deadline.ts";
