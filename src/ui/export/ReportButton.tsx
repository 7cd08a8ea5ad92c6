// Downloads the session report (Markdown): the link that reopens this view, and every result,
// the mixed-precision plan at the session's budget among them.
import { buildReport } from '../../state/report.ts';
import { reportPlan } from './report-plan.ts';
import { download } from '../../state/export/actions.ts';
import { useStore } from '../../state/store.ts';

export function ReportButton() {
  return (
    <button
      type="button"
      aria-label="Download the session report"
      title="Every setting and result of this session as one Markdown file"
      onClick={() => {
        const s = useStore.getState();
        const text = buildReport(s, location.href, new Date(), reportPlan(s));
        download(new Blob([text], { type: 'text/markdown' }), 'slimlab-report.md');
      }}
    >
      Report
    </button>
  );
}
