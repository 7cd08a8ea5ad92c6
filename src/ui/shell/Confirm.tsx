// Asking before work is lost: a modal dialog (the browser's own, so the keyboard stays in it, Tab
// moves between its buttons and Escape answers no). The safe answer has the focus.
import { useEffect, useRef, type ReactNode } from 'react';

export function Confirm({
  open,
  title,
  yes,
  no,
  onYes,
  onNo,
  children,
}: {
  open: boolean;
  title: string;
  yes: string;
  no: string;
  onYes: () => void;
  onNo: () => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby="confirm-title"
      data-testid="confirm"
      // Escape (or the dialog closed another way) is a no.
      onCancel={(e) => {
        e.preventDefault();
        onNo();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div>{children}</div>
      <div className="controls">
        {open && (
          <button type="button" onClick={onNo} autoFocus>
            {no}
          </button>
        )}
        <button type="button" onClick={onYes}>
          {yes}
        </button>
      </div>
    </dialog>
  );
}
