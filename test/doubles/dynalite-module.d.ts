// dynalite ships no types; this is the part of its API the doubles use.
declare module 'dynalite' {
  import type { Server } from 'node:http';
  function dynalite(opts?: {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }): Server;
  export default dynalite;
}
