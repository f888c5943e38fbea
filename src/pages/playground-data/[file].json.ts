// One JSON file per example, NAME.HASH.json: what a Playground's script needs of it (pane-data.ts).
// The name changes with the content, so a browser may keep it for good.
import type { APIRoute, GetStaticPaths } from 'astro';
import { exampleNames } from '../../../components/playground/examples.ts';
import { paneData } from '../../../components/playground/pane-data.ts';

export const getStaticPaths = (async () =>
  Promise.all(
    exampleNames().map(async (name) => {
      const { data, file } = await paneData(name);
      return { params: { file }, props: { data } };
    }),
  )) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(JSON.stringify((props as { data: unknown }).data), {
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
