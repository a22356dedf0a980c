// The app: lists messages from the API and posts new ones. Plain React (no JSX, no bundler).
'use strict';
(function () {
  const h = React.createElement;

  async function api(path, options) {
    const res = await fetch('/api' + path, options);
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.statusText);
    return body;
  }

  function App() {
    const [messages, setMessages] = React.useState([]);
    const [text, setText] = React.useState('');
    const [error, setError] = React.useState('');

    const load = React.useCallback(() => {
      api('/messages').then((b) => { setMessages(b.messages); setError(''); }, (e) => setError(e.message));
    }, []);
    React.useEffect(load, [load]);

    function submit(event) {
      event.preventDefault();
      if (!text.trim()) return;
      api('/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) })
        .then(() => { setText(''); load(); }, (e) => setError(e.message));
    }

    return h('main', null,
      h('h1', null, 'Messages'),
      h('form', { onSubmit: submit },
        h('input', { value: text, maxLength: 500, placeholder: 'Say something', onChange: (e) => setText(e.target.value) }),
        h('button', { type: 'submit' }, 'Post')),
      error ? h('p', { className: 'error' }, error) : null,
      h('ul', null, messages.map((m) => h('li', { key: m.id }, m.text))));
  }

  ReactDOM.createRoot(document.getElementById('root')).render(h(App));
})();
