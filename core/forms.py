from django import forms


def bootstrap(form):
    """Give each widget of ``form`` the Bootstrap class for its kind; returns the form."""
    for fld in form.fields.values():
        widget = fld.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
    return form
