// Schedule strings now live beside the explorer (sim/explore/schedule.ts); this re-export keeps
// sim/cli.ts building until it imports them from there.
export { encodeSchedule, decodeSchedule } from '../explore/schedule.ts';
