// The app: lists the values from the backend and adds new ones. Plain React (no JSX, no bundler).
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
    const [values, setValues] = React.useState([]);
    const [value, setValue] = React.useState('');
    const [error, setError] = React.useState('');

    const load = React.useCallback(() => {
      api('/values').then((b) => { setValues(b.values); setError(''); }, (e) => setError(e.message));
    }, []);
    React.useEffect(load, [load]);

    function submit(event) {
      event.preventDefault();
      if (!value.trim()) return;
      api('/value', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) })
        .then(() => { setValue(''); load(); }, (e) => setError(e.message));
    }

    return h('main', null,
      h('h1', null, 'Values'),
      h('form', { onSubmit: submit },
        h('input', { value, onChange: (e) => setValue(e.target.value), placeholder: 'a value', maxLength: 500 }),
        h('button', { type: 'submit' }, 'Add')),
      error ? h('p', { className: 'error' }, error) : null,
      h('ul', null, values.map((v) => h('li', { key: v.id }, v.value))));
  }

  ReactDOM.createRoot(document.getElementById('root')).render(h(App));
})();
